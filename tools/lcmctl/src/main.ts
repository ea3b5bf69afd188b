import { runCli } from './cli';

const abort = new AbortController();
process.once('SIGINT', () => abort.abort());
runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  signal: abort.signal,
}).then((code) => process.exit(code));
