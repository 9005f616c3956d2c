// Copies the ESM builds of the app's libraries from node_modules (installed by `npm ci` from the
// committed package-lock.json) into the app's static files, each under a folder named with its
// version (so the server may cache them for a year), with its licence.
//   node vendor.mjs [target]   (default: ../src/main/resources/web/app/vendor)
// preact/hooks imports the bare specifier "preact", which a browser resolves only through an import
// map (an inline script, which the Content-Security-Policy forbids): it is rewritten to the relative
// file beside it. Nothing else is changed. VendoredFilesTest checks the committed files are exactly
// what this script makes.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const target = path.resolve(process.argv[2] || path.join(here, '../src/main/resources/web/app/vendor'));
const modules = path.join(here, 'node_modules');

const version = (name) => JSON.parse(fs.readFileSync(path.join(modules, name, 'package.json'), 'utf8')).version;

const libraries = [
  { name: 'preact', files: { 'dist/preact.mjs': 'preact.mjs', 'hooks/dist/hooks.mjs': 'hooks.mjs', LICENSE: 'LICENSE' } },
  { name: 'htm', files: { 'dist/htm.mjs': 'htm.mjs', LICENSE: 'LICENSE' } },
];

fs.rmSync(target, { recursive: true, force: true });
for (const lib of libraries) {
  const dir = path.join(target, `${lib.name}-${version(lib.name)}`);
  fs.mkdirSync(dir, { recursive: true });
  for (const [from, to] of Object.entries(lib.files)) {
    let text = fs.readFileSync(path.join(modules, lib.name, from), 'utf8');
    if (to.endsWith('.mjs')) {
      text = text.replace(/from\s*"preact"/g, 'from"./preact.mjs"');
      // Source maps are not shipped.
      text = text.replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n');
    }
    fs.writeFileSync(path.join(dir, to), text);
  }
}
console.log(`vendored into ${target}`);
