#!/usr/bin/env node
// Compiles one LCM process for a container image, the way its Dockerfile's build stage does:
//   node deployment/docker/build-app.mjs <entry .ts> <out dir>
// 1. From the entry, follows every local import (path aliases of tsconfig.base.json included) and
//    compiles each file once with swc to CommonJS under <out>/dist/<same path>.js — with Nest's
//    decorator metadata, which the esbuild-based runners cannot emit.
// 2. Copies the files the code reads next to itself at run time (an app's seeds/).
// 3. Installs the production dependencies only into <out>/node_modules from the lockfile
//    (`pnpm install --prod --frozen-lockfile --offline`, from the store the full install filled).
// Runs the same on a build machine and in `docker build`, which is how the image stages are proven
// where no Docker engine exists (deployment/deployment.int-spec.ts).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { createRequire } from 'node:module';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..', '..');
const require = createRequire(join(root, 'package.json'));
const swc = require('@swc/core');

const [entryArg, outArg] = process.argv.slice(2);
if (!entryArg || !outArg) {
  console.error('usage: build-app.mjs <entry .ts> <out dir>');
  process.exit(2);
}
const entry = resolve(root, entryArg);
const out = resolve(outArg);
const { paths } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')).compilerOptions;

const swcOptions = (filename) => ({
  filename,
  sourceMaps: false,
  module: { type: 'commonjs' },
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    // swc rewrites `@lcm/...` imports to relative paths, so the output needs no alias resolver.
    baseUrl: root,
    paths,
  },
});

const resolveLocal = (fromFile, specifier) => {
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) if (existsSync(candidate) && candidate.endsWith('.ts')) return candidate;
  return null;
};

rmSync(out, { recursive: true, force: true });
const pending = [entry];
const done = new Set();
while (pending.length > 0) {
  const file = pending.pop();
  if (done.has(file)) continue;
  done.add(file);
  const { code } = swc.transformFileSync(file, swcOptions(file));
  const target = join(out, 'dist', relative(root, file)).replace(/\.ts$/, '.js');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, code);
  for (const [, specifier] of code.matchAll(/require\(["'](\.[^"']*)["']\)/g)) {
    const next = resolveLocal(file, specifier);
    if (next) pending.push(next);
    else throw new Error(`${relative(root, file)}: cannot resolve ${specifier}`);
  }
}

// Files read next to the code at run time.
const appRoot = relative(root, entry).split('/').slice(0, 2).join('/');
for (const assets of ['seeds']) {
  const from = join(root, appRoot, assets);
  if (existsSync(from)) cpSync(from, join(out, 'dist', appRoot, assets), { recursive: true });
}

// Production dependencies only, from the lockfile: the workspace manifests are copied so the
// lockfile's importers match, and nothing else of the sources is needed.
for (const file of ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml']) cpSync(join(root, file), join(out, file));
for (const group of ['apps', 'libs', 'libs/integrations', 'tools']) {
  if (!existsSync(join(root, group))) continue;
  for (const name of readdirSync(join(root, group))) {
    const manifest = join(root, group, name, 'package.json');
    if (existsSync(manifest)) cpSync(manifest, join(out, group, name, 'package.json'));
  }
}
execFileSync('pnpm', ['install', '--prod', '--frozen-lockfile', '--offline', '--ignore-scripts', '--reporter=silent'], {
  cwd: out,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, CI: 'true' },
});
console.log(`built ${relative(root, entry)}: ${done.size} modules in ${out}`);
