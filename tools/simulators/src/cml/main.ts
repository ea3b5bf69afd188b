/** Starts only the cml simulator with the same env/flags as `pnpm sim`. */
import { run } from '../main';

process.env['SIM_ONLY'] = 'cml';
run();
