// Child-process entry: `node node-backend-main.js '<json BackendSpec>' PORT`.
// A separate process per backend keeps backend work off the load generator's threads.
import { BackendSpec } from './delay';
import { startNodeBackend } from './node-backend';

const spec = JSON.parse(process.argv[2] ?? '{}') as BackendSpec;
const port = Number(process.argv[3]);

startNodeBackend(spec, port).then(
  (server) => process.once('SIGTERM', () => server.close(() => process.exit(0))),
  (err: Error) => {
    console.error(`backend ${spec.id}: ${err.message}`);
    process.exit(1);
  },
);
