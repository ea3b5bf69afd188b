import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Vite writes content-hashed bundles under assets/: a new build gets new names, so they never go stale. */
const HASHED_ASSETS = `${sep}assets${sep}`;
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current bundles, so browsers must revalidate it on every visit. */
const REVALIDATE = 'no-cache';

export interface DashboardFile {
  body: Buffer;
  contentType: string;
  cacheControl: string;
}

/** Files of the built dashboard; every lookup stays inside its folder. */
export class DashboardFiles {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  get built(): boolean {
    return existsSync(join(this.root, 'index.html'));
  }

  /** The file at a URL path, or undefined when there is none (or the path leaves the folder). */
  async file(urlPath: string): Promise<DashboardFile | undefined> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return undefined;
    }
    const path = resolve(this.root, `.${decoded}`);
    if (!path.startsWith(this.root + sep)) return undefined;
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    return {
      body: await readFile(path),
      contentType: CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
      cacheControl: path.includes(HASHED_ASSETS) ? IMMUTABLE : REVALIDATE,
    };
  }

  indexPage(): Promise<DashboardFile | undefined> {
    return this.file('/index.html');
  }
}
