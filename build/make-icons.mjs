#!/usr/bin/env node
/**
 * Draws the tray icons (idle, syncing, error, paused at 22 and 24 px, each with @2x) and the app icon (16 to
 * 512 px) as PNG, with no image library: shapes are signed-distance tests, 4×4 supersampled, encoded with
 * zlib. Run `node build/make-icons.mjs` after changing a shape; the PNGs are committed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------- PNG encoding

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y += 1) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------- shapes (coordinates in 0..1, y down)

const circle = (cx, cy, r) => (x, y) => Math.hypot(x - cx, y - cy) <= r;
const roundRect = (x0, y0, x1, y1, r) => (x, y) => {
  const dx = Math.max(x0 + r - x, 0, x - (x1 - r));
  const dy = Math.max(y0 + r - y, 0, y - (y1 - r));
  return x >= x0 && x <= x1 && y >= y0 && y <= y1 && Math.hypot(dx, dy) <= r;
};
const capsule = (x, y0, y1, r) => (px, py) => Math.hypot(px - x, py - Math.min(Math.max(py, y0), y1)) <= r;

function triangle(a, b, c) {
  const sign = (p, q, r) => (p[0] - r[0]) * (q[1] - r[1]) - (q[0] - r[0]) * (p[1] - r[1]);
  return (x, y) => {
    const p = [x, y];
    const d1 = sign(p, a, b);
    const d2 = sign(p, b, c);
    const d3 = sign(p, c, a);
    return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
  };
}

/** Two arcs chasing each other clockwise, each ending in an arrowhead: the usual "sync" sign. */
function syncArrows(radius, stroke, head) {
  const cx = 0.5;
  const cy = 0.5;
  // Angles in degrees, measured clockwise from the right (y points down).
  const arcs = [
    [200, 330],
    [20, 150],
  ];
  const parts = [];
  for (const [from, to] of arcs) {
    parts.push((x, y) => {
      const d = Math.hypot(x - cx, y - cy);
      if (Math.abs(d - radius) > stroke / 2) return false;
      let angle = (Math.atan2(y - cy, x - cx) * 180) / Math.PI;
      if (angle < 0) angle += 360;
      return angle >= from && angle <= to;
    });
    const t = (to * Math.PI) / 180;
    const radial = [Math.cos(t), Math.sin(t)];
    const tangent = [-Math.sin(t), Math.cos(t)]; // clockwise direction on screen
    const base = [cx + radius * radial[0], cy + radius * radial[1]];
    parts.push(
      triangle(
        [base[0] + radial[0] * head, base[1] + radial[1] * head],
        [base[0] - radial[0] * head, base[1] - radial[1] * head],
        [base[0] + tangent[0] * head * 1.25, base[1] + tangent[1] * head * 1.25],
      ),
    );
  }
  return (x, y) => parts.some((part) => part(x, y));
}

// ---------------------------------------------------------------- rendering

function hex(color, alpha = 1) {
  const n = Number.parseInt(color.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, alpha];
}

/** layers: [shape, color | (x, y) => color] painted in order, each with supersampled coverage. */
function render(size, layers) {
  const samples = 4;
  const out = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (const [shape, paint] of layers) {
        let hits = 0;
        for (let sy = 0; sy < samples; sy += 1) {
          for (let sx = 0; sx < samples; sx += 1) {
            if (shape((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size)) hits += 1;
          }
        }
        if (hits === 0) continue;
        const [cr, cg, cb, ca] = typeof paint === 'function' ? paint(px / size, py / size) : paint;
        const alpha = (hits / (samples * samples)) * ca;
        // "over" compositing, premultiplied
        r = cr * alpha + r * (1 - alpha);
        g = cg * alpha + g * (1 - alpha);
        b = cb * alpha + b * (1 - alpha);
        a = alpha + a * (1 - alpha);
      }
      const i = (py * size + px) * 4;
      out[i] = a > 0 ? Math.round(r / a) : 0;
      out[i + 1] = a > 0 ? Math.round(g / a) : 0;
      out[i + 2] = a > 0 ? Math.round(b / a) : 0;
      out[i + 3] = Math.round(a * 255);
    }
  }
  return encodePng(size, out);
}

const WHITE = hex('#ffffff');
const SHADOW = hex('#000000', 0.35);

/** A soft dark rim under the sign keeps it readable on light and dark panels alike. */
function withRim(shape, grow) {
  return (x, y) => {
    for (const [dx, dy] of [[grow, 0], [-grow, 0], [0, grow], [0, -grow], [grow, grow], [-grow, -grow], [grow, -grow], [-grow, grow]]) {
      if (shape(x + dx * 0.7, y + dy * 0.7)) return true;
    }
    return shape(x, y);
  };
}

const TRAY = {
  idle: () => {
    const arrows = syncArrows(0.3, 0.13, 0.15);
    return [
      [withRim(arrows, 0.045), SHADOW],
      [arrows, hex('#43b581')],
    ];
  },
  syncing: () => {
    const arrows = syncArrows(0.3, 0.13, 0.15);
    return [
      [withRim(arrows, 0.045), SHADOW],
      [arrows, hex('#3d8bfd')],
    ];
  },
  error: () => [
    [circle(0.5, 0.5, 0.47), SHADOW],
    [circle(0.5, 0.5, 0.43), hex('#e5484d')],
    [capsule(0.5, 0.26, 0.56, 0.065), WHITE],
    [circle(0.5, 0.74, 0.075), WHITE],
  ],
  paused: () => [
    [circle(0.5, 0.5, 0.47), SHADOW],
    [circle(0.5, 0.5, 0.43), hex('#e8a317')],
    [roundRect(0.33, 0.28, 0.45, 0.72, 0.03), WHITE],
    [roundRect(0.55, 0.28, 0.67, 0.72, 0.03), WHITE],
  ],
};

function appIcon() {
  const top = hex('#4a90f5');
  const bottom = hex('#1f5fcf');
  const gradient = (_x, y) => top.map((v, i) => (i === 3 ? 1 : v + (bottom[i] - v) * y));
  return [
    [roundRect(0.06, 0.07, 0.94, 0.95, 0.2), hex('#000000', 0.18)],
    [roundRect(0.06, 0.05, 0.94, 0.93, 0.2), gradient],
    [syncArrows(0.25, 0.085, 0.1), WHITE],
  ];
}

function write(file, png) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, png);
  console.log(`${path.relative(here, file)} (${png.length} bytes)`);
}

for (const [state, layers] of Object.entries(TRAY)) {
  for (const size of [22, 24]) {
    const base = size === 22 ? state : `${state}-24`;
    write(path.join(here, 'tray', `${base}.png`), render(size, layers()));
    write(path.join(here, 'tray', `${base}@2x.png`), render(size * 2, layers()));
  }
}
// Every size a desktop's icon theme looks up (hicolor), so no panel or menu scales a big icon down to 16 px.
for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) write(path.join(here, 'icons', `${size}x${size}.png`), render(size, appIcon()));
