/** Starts only the lds simulator with the same env/flags as `pnpm sim`. */
import { run } from '../main';

process.env['SIM_ONLY'] = 'lds';
run();
