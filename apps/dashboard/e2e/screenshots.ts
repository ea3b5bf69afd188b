import { join } from 'node:path';
import { REPO_ROOT } from '@lcm/testing';

/** Where the browser suite leaves the screenshots the README links. */
export const screenshotPath = (name: string): string => join(REPO_ROOT, 'docs', 'screenshots', `${name}.png`);
