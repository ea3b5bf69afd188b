/** Starts only the grading simulator with the same env/flags as `pnpm sim`. */
import { run } from '../main';

process.env['SIM_ONLY'] = 'grading';
run();
