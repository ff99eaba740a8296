import Foundation

/// `SITE/index.html`: one static page, no build step and no external resources.
///
/// The manifest is embedded in the page (`<script type="application/json">`), so it works opened
/// from disk (`file://`, where `fetch` of a neighbouring file is refused) as well as served over
/// HTTP. Inline JavaScript draws the cards: the ThumbHash placeholder (decoded on a canvas) until the
/// poster loads, the animated preview on hover, scrubbing over the sprite sheet as the pointer moves,
/// and the clip in a player dialog on click. Script errors and failed picture loads are written into
/// the page (`body[data-errors]`, `#page-errors`) so headless checks can read them from the DOM.
public enum GalleryPage {
    /// The page for `manifest`.
    public static func html(for manifest: GalleryManifest) throws -> String {
        let json = String(decoding: try manifest.encoded(pretty: false), as: UTF8.self)
        // "<" only occurs inside JSON strings, where \u003c means the same; this keeps "</script>" out.
        let embedded = json.replacingOccurrences(of: "<", with: "\\u003c")
        return template.replacingOccurrences(of: "@@MANIFEST@@", with: embedded)
    }

    static let template = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="clipkit gallery">
        <title>ClipKit gallery</title>
        <style>
        :root { color-scheme: dark; --bg: #0f1115; --card: #181b22; --line: #2a2f3a; --text: #e8eaf0; --dim: #9aa3b2;
          --pass: #2fb170; --warn: #e0a526; --fail: #e5484d; --none: #6b7385; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
        header { padding: 20px 24px 8px; display: flex; flex-wrap: wrap; gap: 8px 24px; align-items: baseline; }
        h1 { margin: 0; font-size: 20px; font-weight: 650; }
        #summary { margin: 0; color: var(--dim); }
        .filters { display: flex; gap: 6px; flex-wrap: wrap; margin-left: auto; }
        .filters button { background: var(--card); color: var(--text); border: 1px solid var(--line); border-radius: 999px;
          padding: 4px 12px; font: inherit; cursor: pointer; }
        .filters button[aria-pressed="true"] { background: #2d3442; border-color: #4a5468; }
        .grid { display: grid; gap: 16px; padding: 12px 24px 32px;
          grid-template-columns: repeat(auto-fill, minmax(min(100%, 280px), 1fr)); }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; overflow: hidden; outline: none; }
        .card:focus-visible { box-shadow: 0 0 0 2px #6ea8fe; }
        .card[hidden] { display: none; }
        .media { position: relative; aspect-ratio: 16 / 9; background: #07080a; cursor: pointer; overflow: hidden; touch-action: pan-y; }
        .media > canvas, .media > picture > img, .media > .preview { position: absolute; inset: 0; width: 100%; height: 100%;
          object-fit: contain; display: block; }
        .media > canvas { filter: saturate(1.1); }
        .media > picture > img { opacity: 0; transition: opacity .25s ease; }
        .media > picture > img.loaded { opacity: 1; }
        .media > .preview { display: none; }
        .card.previewing .preview { display: block; }
        .scrub { position: absolute; display: none; background-repeat: no-repeat; }
        .card.scrubbing .scrub { display: block; }
        .card.scrubbing .preview { display: none; }
        .scrubbar { position: absolute; left: 0; right: 0; bottom: 0; height: 3px; background: rgba(255,255,255,.15); display: none; }
        .scrubbar > span { display: block; height: 100%; width: 0; background: #6ea8fe; }
        .card.scrubbing .scrubbar { display: block; }
        .chip { position: absolute; padding: 1px 7px; border-radius: 4px; font-size: 12px; font-weight: 600;
          background: rgba(0,0,0,.7); color: #fff; pointer-events: none; font-variant-numeric: tabular-nums; }
        .time { right: 8px; bottom: 8px; }
        .badge { left: 8px; top: 8px; text-transform: uppercase; letter-spacing: .04em; }
        .badge.pass { background: var(--pass); } .badge.warn { background: var(--warn); color: #1b1400; }
        .badge.fail, .badge.error { background: var(--fail); } .badge.unchecked { background: var(--none); }
        .play { left: 50%; top: 50%; transform: translate(-50%, -50%); font-size: 18px; padding: 6px 14px; border-radius: 999px;
          opacity: 0; transition: opacity .2s; }
        .media:hover .play, .card:focus-visible .play { opacity: .9; }
        .card.scrubbing .play { opacity: 0; }
        .meta { padding: 10px 12px 12px; }
        .meta h2 { margin: 0 0 2px; font-size: 14px; font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        .facts { margin: 0; color: var(--dim); font-variant-numeric: tabular-nums; }
        .notes { margin: 6px 0 0; padding: 0; list-style: none; color: var(--dim); font-size: 12px; }
        .notes li::before { content: "\2022  "; }
        .notes li.fail { color: #ff8f92; } .notes li.warn { color: #f2c25b; }
        .error-box { position: absolute; inset: 0; display: flex; flex-direction: column; justify-content: center; gap: 6px;
          padding: 16px 18px; background: repeating-linear-gradient(135deg, #1d1214 0 14px, #221517 14px 28px); cursor: default; }
        .error-box strong { color: #ff8f92; font-size: 15px; }
        .error-box code { color: #f3d6d7; font-size: 12px; word-break: break-word; white-space: pre-wrap; }
        .empty { grid-column: 1 / -1; color: var(--dim); padding: 40px 0; text-align: center; }
        dialog { border: 0; padding: 0; background: #000; color: var(--text); max-width: min(96vw, 1280px); width: 100%; border-radius: 10px; }
        dialog::backdrop { background: rgba(0,0,0,.8); }
        dialog video { display: block; width: 100%; max-height: 80vh; background: #000; }
        dialog .bar { display: flex; align-items: center; gap: 12px; padding: 8px 12px; background: var(--card); }
        dialog .bar p { margin: 0; flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
        dialog .bar button { background: none; border: 1px solid var(--line); color: var(--text); border-radius: 6px; padding: 2px 10px; font: inherit; cursor: pointer; }
        .chain { margin: 8px 0 0; border-top: 1px solid var(--line); padding-top: 8px; }
        .chain h3 { margin: 0 0 4px; font-size: 12px; font-weight: 600; color: var(--dim); text-transform: uppercase; letter-spacing: .04em; }
        .chain ol { margin: 0; padding-left: 18px; font-size: 12px; }
        .chain ol li { margin: 0 0 4px; }
        .chain .prompt { color: var(--text); }
        .chain .who { color: var(--dim); display: block; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
        .chain li.fail .prompt { color: #ff8f92; } .chain li.warn .prompt { color: #f2c25b; }
        .seams { display: flex; gap: 8px; overflow-x: auto; margin-top: 6px; }
        .seam { flex: 0 0 auto; margin: 0; font-size: 11px; color: var(--dim); }
        .seam .pair { display: flex; gap: 2px; }
        .seam img { width: 72px; height: auto; display: block; background: #07080a; }
        .seam figcaption { font-variant-numeric: tabular-nums; }
        #page-errors { display: block; margin: 0 24px 24px; padding: 8px 12px; border: 1px solid var(--fail); color: #ff8f92; white-space: pre-wrap; }
        #page-errors[hidden] { display: none; }
        </style>
        </head>
        <body data-errors="0" data-missing="0" data-ready="0" data-chains="0">
        <header>
          <h1>ClipKit gallery</h1>
          <p id="summary">Loading…</p>
          <nav class="filters" aria-label="Filter clips"></nav>
        </header>
        <main id="grid" class="grid"></main>
        <output id="page-errors" hidden></output>
        <dialog id="player" aria-label="Clip player">
          <video controls playsinline preload="metadata"></video>
          <div class="bar"><p></p><button type="button" value="close">Close</button></div>
        </dialog>
        <noscript><p style="padding:24px">This gallery needs JavaScript; manifest.json lists every clip and its pictures.</p></noscript>
        <script type="application/json" id="gallery-data">@@MANIFEST@@</script>
        <script>
        (function () {
          'use strict';
          // Served as /prefix (no slash): move to /prefix/ so relative URLs stay inside the site.
          if (/^https?:$/.test(location.protocol) && !/\/$|\.html?$/.test(location.pathname)) {
            location.replace(location.pathname + '/' + location.search + location.hash);
            return;
          }
          var body = document.body;
          var errorsBox = document.getElementById('page-errors');
          function report(kind, message) {
            var key = kind === 'missing' ? 'missing' : 'errors';
            body.dataset[key] = String(Number(body.dataset[key] || 0) + 1);
            errorsBox.hidden = false;
            errorsBox.textContent += kind + ': ' + message + '\n';
          }
          window.addEventListener('error', function (event) {
            var target = event.target;
            if (target && target !== window && (target.tagName === 'IMG' || target.tagName === 'SOURCE' || target.tagName === 'VIDEO')) return;
            report('error', (event.message || 'script error') + (event.lineno ? ' (line ' + event.lineno + ')' : ''));
          }, true);
          window.addEventListener('unhandledrejection', function (event) { report('error', String(event.reason)); });
          var consoleError = console.error;
          console.error = function () {
            report('console', Array.prototype.map.call(arguments, String).join(' '));
            return consoleError.apply(console, arguments);
          };

          // ThumbHash decoding (the published algorithm by Evan Wallace), drawn onto a canvas.
          function thumbHashBytes(text) {
            var raw = atob(text), bytes = new Uint8Array(raw.length);
            for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
            return bytes;
          }
          function thumbHashRatio(hash) {
            var alpha = hash[2] & 0x80, landscape = hash[4] & 0x80;
            var lx = landscape ? (alpha ? 5 : 7) : hash[3] & 7;
            var ly = landscape ? hash[3] & 7 : (alpha ? 5 : 7);
            return ly ? lx / ly : 1;
          }
          function thumbHashPixels(hash) {
            var PI = Math.PI, cos = Math.cos, min = Math.min, max = Math.max;
            var h24 = hash[0] | (hash[1] << 8) | (hash[2] << 16), h16 = hash[3] | (hash[4] << 8);
            var lDC = (h24 & 63) / 63, pDC = ((h24 >> 6) & 63) / 31.5 - 1, qDC = ((h24 >> 12) & 63) / 31.5 - 1;
            var lScale = ((h24 >> 18) & 31) / 31, alpha = h24 >> 23;
            var pScale = ((h16 >> 3) & 63) / 63, qScale = ((h16 >> 9) & 63) / 63, landscape = h16 >> 15;
            var lx = max(3, landscape ? (alpha ? 5 : 7) : h16 & 7), ly = max(3, landscape ? h16 & 7 : (alpha ? 5 : 7));
            var aDC = alpha ? (hash[5] & 15) / 15 : 1, aScale = (hash[5] >> 4) / 15;
            var start = alpha ? 6 : 5, index = 0;
            function factors(nx, ny, scale) {
              var out = [];
              for (var cy = 0; cy < ny; cy++)
                for (var cx = cy ? 0 : 1; cx * ny < nx * (ny - cy); cx++, index++)
                  out.push((((hash[start + (index >> 1)] >> ((index & 1) << 2)) & 15) / 7.5 - 1) * scale);
              return out;
            }
            var lAC = factors(lx, ly, lScale), pAC = factors(3, 3, pScale * 1.25), qAC = factors(3, 3, qScale * 1.25);
            var aAC = alpha ? factors(5, 5, aScale) : null;
            var ratio = thumbHashRatio(hash);
            var w = Math.round(ratio > 1 ? 32 : 32 * ratio), h = Math.round(ratio > 1 ? 32 / ratio : 32);
            var rgba = new Uint8ClampedArray(w * h * 4), fx = [], fy = [];
            for (var y = 0, i = 0; y < h; y++) {
              for (var x = 0; x < w; x++, i += 4) {
                var l = lDC, p = pDC, q = qDC, a = aDC, n, cx, cy, j;
                for (n = 0; n < max(lx, alpha ? 5 : 3); n++) fx[n] = cos(PI / w * (x + 0.5) * n);
                for (n = 0; n < max(ly, alpha ? 5 : 3); n++) fy[n] = cos(PI / h * (y + 0.5) * n);
                for (cy = 0, j = 0; cy < ly; cy++)
                  for (cx = cy ? 0 : 1; cx * ly < lx * (ly - cy); cx++, j++) l += lAC[j] * fx[cx] * fy[cy] * 2;
                for (cy = 0, j = 0; cy < 3; cy++)
                  for (cx = cy ? 0 : 1; cx < 3 - cy; cx++, j++) { var f = fx[cx] * fy[cy] * 2; p += pAC[j] * f; q += qAC[j] * f; }
                if (aAC)
                  for (cy = 0, j = 0; cy < 5; cy++)
                    for (cx = cy ? 0 : 1; cx < 5 - cy; cx++, j++) a += aAC[j] * fx[cx] * fy[cy] * 2;
                var b = l - 2 / 3 * p, r = (3 * l - b + q) / 2, g = r - q;
                rgba[i] = max(0, 255 * min(1, r)); rgba[i + 1] = max(0, 255 * min(1, g));
                rgba[i + 2] = max(0, 255 * min(1, b)); rgba[i + 3] = max(0, 255 * min(1, a));
              }
            }
            return { w: w, h: h, rgba: rgba };
          }
          function drawPlaceholder(canvas, text) {
            try {
              var decoded = thumbHashPixels(thumbHashBytes(text));
              canvas.width = decoded.w; canvas.height = decoded.h;
              canvas.getContext('2d').putImageData(new ImageData(decoded.rgba, decoded.w, decoded.h), 0, 0);
              canvas.dataset.aspect = (decoded.w / decoded.h).toFixed(3);
            } catch (e) { report('error', 'placeholder: ' + e.message); }
          }

          function el(tag, className, text) {
            var node = document.createElement(tag);
            if (className) node.className = className;
            if (text !== undefined) node.textContent = text;
            return node;
          }
          function clock(seconds) {
            if (!(seconds >= 0)) return '?';
            var m = Math.floor(seconds / 60), s = seconds - m * 60;
            return m + ':' + (s < 10 ? '0' : '') + s.toFixed(1);
          }
          function url(dir, file) { return dir ? dir + '/' + file : file; }

          var manifest = JSON.parse(document.getElementById('gallery-data').textContent);
          var grid = document.getElementById('grid');
          var player = document.getElementById('player');
          var video = player.querySelector('video');

          function openPlayer(clip) {
            player.querySelector('.bar p').textContent = clip.name;
            Array.prototype.forEach.call(video.querySelectorAll('track'), function (t) { t.remove(); });
            if (clip.chain && clip.chain.chapters) {
              var track = document.createElement('track');
              track.kind = 'chapters'; track.label = 'Segments'; track.srclang = 'en'; track.default = true;
              track.src = url(clip.asset_dir, clip.chain.chapters);
              video.appendChild(track);
            }
            video.src = clip.media;
            if (typeof player.showModal === 'function') player.showModal(); else player.setAttribute('open', '');
            var started = video.play();
            if (started && started.catch) started.catch(function () {});
          }
          function closePlayer() {
            video.pause(); video.removeAttribute('src'); video.load();
            if (player.open) player.close();
          }
          player.querySelector('.bar button').addEventListener('click', closePlayer);
          player.addEventListener('click', function (event) { if (event.target === player) closePlayer(); });
          player.addEventListener('close', function () { video.pause(); });

          function verdictOf(clip) {
            if (clip.status !== 'ok') return 'error';
            return clip.qa ? clip.qa.verdict : 'unchecked';
          }

          function facts(clip) {
            var v = clip.probe && clip.probe.video, parts = [];
            if (v) {
              parts.push(v.display_width + '×' + v.display_height);
              parts.push(v.nearest_aspect_ratio === v.display_aspect_ratio ? v.display_aspect_ratio
                : v.display_aspect_ratio + ' ≈ ' + v.nearest_aspect_ratio);
              parts.push((Math.round(v.fps * 100) / 100) + ' fps');
              parts.push(v.codec);
            }
            var duration = clip.assets ? clip.assets.duration_s : clip.probe && clip.probe.duration_s;
            if (duration) parts.push(duration.toFixed(2) + ' s');
            return parts.join(' · ');
          }

          function number(value, digits) { return typeof value === 'number' ? value.toFixed(digits) : null; }
          // A chain's output: its segments (prompt, provider, task id, cost, verdict) and its seams
          // as before/after pictures with their scores.
          function chainSection(clip) {
            var chain = clip.chain, dir = clip.asset_dir, section = el('section', 'chain');
            section.appendChild(el('h3', null, 'Chain · ' + chain.segments.length + ' segments'));
            var list = el('ol');
            chain.segments.forEach(function (s) {
              var item = el('li', s.verdict || '');
              item.value = s.segment;
              item.appendChild(el('span', 'prompt', s.prompt || '(no prompt)'));
              var who = [s.provider, s.model, s.task_id && 'task ' + s.task_id,
                s.cost ? s.cost.amount + ' ' + s.cost.unit : 'cost unknown',
                typeof s.start_s === 'number' ? clock(s.start_s) + '–' + clock(s.end_s) : null,
                s.verdict].filter(Boolean).join(' · ');
              item.appendChild(el('span', 'who', who));
              list.appendChild(item);
            });
            section.appendChild(list);
            if (chain.seams && chain.seams.length) {
              var strip = el('div', 'seams');
              chain.seams.forEach(function (seam) {
                var figure = el('figure', 'seam'), pair = el('div', 'pair');
                [['before', seam.before], ['after', seam.after]].forEach(function (side) {
                  if (!side[1]) return;
                  var img = el('img');
                  img.alt = 'seam ' + seam.segment + ' ' + side[0];
                  img.loading = 'lazy';
                  img.src = url(dir, side[1]);
                  img.addEventListener('error', function () { report('missing', img.src); });
                  pair.appendChild(img);
                });
                figure.appendChild(pair);
                var score = [number(seam.psnr, 1) && number(seam.psnr, 1) + ' dB', number(seam.ssim, 3) && 'SSIM ' + number(seam.ssim, 3)]
                  .filter(Boolean).join(' · ');
                figure.appendChild(el('figcaption', null, 'seam ' + (seam.segment - 1) + '→' + seam.segment + ' @ ' + clock(seam.seconds)
                  + (score ? ' · ' + score : '')));
                strip.appendChild(figure);
              });
              section.appendChild(strip);
            }
            return section;
          }

          function card(clip) {
            var verdict = verdictOf(clip);
            var article = el('article', 'card');
            article.dataset.verdict = verdict;
            article.dataset.id = clip.id;
            var media = el('div', 'media');
            var meta = el('div', 'meta');
            var title = el('h2', null, clip.name);
            title.title = clip.source;
            meta.appendChild(title);
            meta.appendChild(el('p', 'facts', facts(clip)));
            article.appendChild(media);
            article.appendChild(meta);
            var badge = el('span', 'chip badge ' + verdict, verdict);
            if (clip.status !== 'ok' || !clip.assets) {
              var box = el('div', 'error-box');
              box.appendChild(el('strong', null, 'Could not make this card'));
              box.appendChild(el('code', null, clip.error || 'no pictures for this clip'));
              media.appendChild(box);
              media.appendChild(badge);
              return article;
            }
            var assets = clip.assets, dir = clip.asset_dir;
            article.tabIndex = 0;
            article.setAttribute('role', 'button');
            article.setAttribute('aria-label', 'Play ' + clip.name);

            var canvas = el('canvas', 'placeholder');
            drawPlaceholder(canvas, assets.thumbhash);
            media.appendChild(canvas);

            var picture = el('picture');
            var byFormat = function (format) {
              return assets.posters.filter(function (p) { return p.format === format; })
                .map(function (p) { return url(dir, p.file) + ' ' + p.width + 'w'; }).join(', ');
            };
            var source = el('source');
            source.type = 'image/webp';
            source.srcset = byFormat('webp');
            source.sizes = '(max-width: 620px) 100vw, 360px';
            picture.appendChild(source);
            var img = el('img', 'poster');
            var jpegs = assets.posters.filter(function (p) { return p.format === 'jpeg'; });
            img.alt = clip.name;
            img.decoding = 'async';
            img.srcset = byFormat('jpeg');
            img.sizes = source.sizes;
            img.src = url(dir, jpegs.length ? jpegs[jpegs.length - 1].file : assets.posters[0].file);
            img.addEventListener('load', function () { img.classList.add('loaded'); });
            img.addEventListener('error', function () { report('missing', img.currentSrc || img.src); });
            picture.appendChild(img);
            media.appendChild(picture);

            var preview = el('img', 'preview');
            preview.alt = '';
            preview.addEventListener('error', function () { if (preview.src) report('missing', preview.src); });
            media.appendChild(preview);
            var scrub = el('div', 'scrub');
            scrub.style.backgroundImage = 'url("' + url(dir, assets.sprite.file) + '")';
            media.appendChild(scrub);
            var bar = el('div', 'scrubbar');
            var fill = el('span');
            bar.appendChild(fill);
            media.appendChild(bar);
            var time = el('span', 'chip time', clock(assets.duration_s));
            media.appendChild(time);
            media.appendChild(badge);
            media.appendChild(el('span', 'chip play', '▶'));

            if (clip.qa) badge.title = (clip.qa.source === 'sidecar' ? 'from the sidecar' : 'checked against ' + (clip.qa.basis || 'a preset'));
            if (clip.qa && clip.qa.findings && clip.qa.findings.length) {
              var notes = el('ul', 'notes');
              clip.qa.findings.slice(0, 3).forEach(function (f) {
                notes.appendChild(el('li', f.status, f.name + (f.message ? ': ' + f.message : '')));
              });
              meta.appendChild(notes);
              badge.title += ': ' + clip.qa.findings.map(function (f) { return f.name + ' ' + f.status; }).join(', ');
            }
            (assets.warnings || []).forEach(function (w) {
              var notes = meta.querySelector('.notes') || meta.appendChild(el('ul', 'notes'));
              notes.appendChild(el('li', 'warn', w));
            });
            if (clip.chain) meta.appendChild(chainSection(clip));

            var sheet = assets.sprite_sheet, idle = null;
            function showPreview() {
              if (!preview.src) preview.src = url(dir, assets.preview.file);
              article.classList.remove('scrubbing');
              article.classList.add('previewing');
              time.textContent = clock(assets.duration_s);
            }
            function scrubTo(fraction) {
              var tiles = sheet.tiles, duration = assets.duration_s, t = fraction * duration, k = 0;
              while (k < tiles.length - 1 && t >= tiles[k].end_s) k++;
              var tile = tiles[k], box = media.getBoundingClientRect();
              var scale = Math.min(box.width / sheet.tile_width, box.height / sheet.tile_height);
              var w = sheet.tile_width * scale, h = sheet.tile_height * scale;
              scrub.style.width = w + 'px'; scrub.style.height = h + 'px';
              scrub.style.left = (box.width - w) / 2 + 'px'; scrub.style.top = (box.height - h) / 2 + 'px';
              scrub.style.backgroundSize = (sheet.columns * sheet.tile_width * scale) + 'px ' + (sheet.rows * sheet.tile_height * scale) + 'px';
              scrub.style.backgroundPosition = (-tile.x * scale) + 'px ' + (-tile.y * scale) + 'px';
              scrub.dataset.tile = String(k);
              fill.style.width = (fraction * 100).toFixed(2) + '%';
              time.textContent = clock(t) + ' / ' + clock(duration);
              article.classList.add('scrubbing');
            }
            media.addEventListener('pointerenter', showPreview);
            media.addEventListener('pointermove', function (event) {
              var box = media.getBoundingClientRect();
              scrubTo(Math.max(0, Math.min(0.9999, (event.clientX - box.left) / box.width)));
              clearTimeout(idle);
              idle = setTimeout(showPreview, 900);
            });
            media.addEventListener('pointerleave', function () {
              clearTimeout(idle);
              article.classList.remove('scrubbing', 'previewing');
              time.textContent = clock(assets.duration_s);
            });
            function play() {
              if (clip.media) openPlayer(clip); else report('missing', clip.name + ': the clip is not linked into the site');
            }
            media.addEventListener('click', play);
            article.addEventListener('keydown', function (event) {
              if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); play(); }
            });
            article.scrubTo = scrubTo;
            return article;
          }

          var clips = manifest.clips || [];
          var counts = { pass: 0, warn: 0, fail: 0, unchecked: 0, error: 0 };
          clips.forEach(function (clip) {
            counts[verdictOf(clip)] += 1;
            grid.appendChild(card(clip));
          });
          if (!clips.length) grid.appendChild(el('p', 'empty', 'No clips yet: run clipkit gallery DIR -o SITE.'));
          var parts = [clips.length + (clips.length === 1 ? ' clip' : ' clips')];
          ['pass', 'warn', 'fail', 'unchecked', 'error'].forEach(function (k) { if (counts[k]) parts.push(counts[k] + ' ' + k); });
          document.getElementById('summary').textContent = parts.join(' · ') + ' · built ' + manifest.generated_at;

          var nav = document.querySelector('.filters');
          ['all', 'pass', 'warn', 'fail', 'unchecked', 'error'].forEach(function (k) {
            if (k !== 'all' && !counts[k]) return;
            var button = el('button', null, k === 'all' ? 'All' : k[0].toUpperCase() + k.slice(1) + ' ' + counts[k]);
            button.type = 'button';
            button.setAttribute('aria-pressed', k === 'all' ? 'true' : 'false');
            button.addEventListener('click', function () {
              nav.querySelectorAll('button').forEach(function (b) { b.setAttribute('aria-pressed', b === button ? 'true' : 'false'); });
              grid.querySelectorAll('.card').forEach(function (c) { c.hidden = k !== 'all' && c.dataset.verdict !== k; });
            });
            nav.appendChild(button);
          });
          // `index.html#selftest`: scrub every card to its middle and check the tile shown and the
          // placeholder's shape against the manifest (for headless browser tests).
          if (location.hash === '#selftest') {
            var problems = [];
            grid.querySelectorAll('.card').forEach(function (node) {
              var clip = clips.filter(function (c) { return c.id === node.dataset.id; })[0];
              if (!clip || !clip.assets || !node.scrubTo) return;
              var tiles = clip.assets.sprite_sheet.tiles, half = clip.assets.duration_s / 2, expected = 0;
              while (expected < tiles.length - 1 && half >= tiles[expected].end_s) expected++;
              node.scrubTo(0.5);
              var shown = Number(node.querySelector('.scrub').dataset.tile);
              if (shown !== expected) problems.push(clip.name + ': tile ' + shown + ' instead of ' + expected);
              var aspect = Number(node.querySelector('canvas').dataset.aspect);
              var real = clip.assets.display_width / clip.assets.display_height;
              if (!(Math.abs(Math.log(aspect / real)) < 0.2)) problems.push(clip.name + ': placeholder aspect ' + aspect + ' vs ' + real);
              if (clip.chain) {
                var items = node.querySelectorAll('.chain ol li').length, pairs = node.querySelectorAll('.seam img').length;
                var wanted = clip.chain.seams.filter(function (m) { return m.before; }).length * 2;
                if (items !== clip.chain.segments.length) problems.push(clip.name + ': ' + items + ' segments shown');
                if (pairs !== wanted) problems.push(clip.name + ': ' + pairs + ' seam pictures shown, ' + wanted + ' expected');
              }
            });
            body.dataset.selftest = problems.length ? 'fail: ' + problems.join('; ') : 'ok';
          }
          body.dataset.ready = '1';
          body.dataset.cards = String(grid.querySelectorAll('.card').length);
          body.dataset.chains = String(grid.querySelectorAll('.card .chain').length);
          body.dataset.verdicts = ['pass', 'warn', 'fail', 'unchecked', 'error'].map(function (k) { return k + ':' + counts[k]; }).join(',');
        })();
        </script>
        </body>
        </html>

        """#
}
