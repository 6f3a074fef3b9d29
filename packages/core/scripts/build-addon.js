// Builds the fdutil addon during `pnpm install`. node-gyp is pointed at the headers that ship
// with the running node (never a download): /usr/bin/node -> /usr, headers in /usr/include/node.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');

const nodedir = path.resolve(process.execPath, '..', '..');
if (!fs.existsSync(path.join(nodedir, 'include', 'node', 'node_api.h'))) {
  console.error(`fdutil: no Node headers under ${nodedir}/include/node; cannot build the addon`);
  process.exit(1);
}
const gyp = require.resolve('node-gyp/bin/node-gyp.js');
const result = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`], {
  cwd: path.resolve(__dirname, '..'),
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
