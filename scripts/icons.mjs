#!/usr/bin/env node
// `npm run icons`: renders public/icon.svg to the PNG sizes the manifest and both stores use. The PNGs
// are committed (the build must not need this step); run it again after editing the SVG.
// @resvg/resvg-js ships its renderer as a prebuilt binary inside the npm package, so it works offline
// with nothing from the system (no ImageMagick/librsvg, whose SVG support differs between versions).
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';

const root = path.resolve(import.meta.dirname, '..');
export const ICON_SIZES = [16, 32, 48, 128];

const svg = await readFile(path.join(root, 'public', 'icon.svg'), 'utf8');
await mkdir(path.join(root, 'public', 'icon'), { recursive: true });
for (const size of ICON_SIZES) {
  const png = new Resvg(svg, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' }).render().asPng();
  const file = path.join(root, 'public', 'icon', `${size}.png`);
  await writeFile(file, png);
  console.log(`icons: ${path.relative(root, file)} (${png.length} bytes)`);
}
