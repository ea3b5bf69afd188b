import { IMAGES, readText } from './repo';

/** One Dockerfile instruction per entry, continuation lines joined. */
function instructions(dockerfile: string): { keyword: string; args: string }[] {
  return dockerfile
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword!.toUpperCase(), args: rest.join(' ') };
    });
}

describe.each(IMAGES)('deployment/docker/$name.Dockerfile', ({ name, entry }) => {
  const steps = instructions(readText(`deployment/docker/${name}.Dockerfile`));
  const stages = steps.filter((step) => step.keyword === 'FROM');
  const runtime = steps.slice(steps.lastIndexOf(stages[stages.length - 1]!));

  it('is multi-stage on Node 24 slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.args).toMatch(/^node:24-slim\b/);
  });

  it('builds with the command the image test runs, for its own entry point', () => {
    expect(steps).toContainEqual({ keyword: 'RUN', args: 'pnpm install --frozen-lockfile' });
    expect(
      steps.some(
        (step) =>
          step.keyword === 'RUN' &&
          step.args.startsWith(`node deployment/docker/build-app.mjs ${entry} /out`),
      ),
    ).toBe(true);
  });

  it('runs as a non-root user with production settings, a HEALTHCHECK and only the built output', () => {
    expect(runtime.find((step) => step.keyword === 'USER')?.args).toBe('node');
    expect(runtime.some((step) => step.keyword === 'ENV' && step.args.includes('NODE_ENV=production'))).toBe(
      true,
    );
    expect(runtime.some((step) => step.keyword === 'HEALTHCHECK' && /CMD \[/.test(step.args))).toBe(true);
    expect(
      runtime.filter((step) => step.keyword === 'COPY').every((step) => step.args.includes('--from=build')),
    ).toBe(true);
    expect(runtime.find((step) => step.keyword === 'CMD')?.args).toBe(
      `["node", "${`dist/${entry}`.replace(/\.ts$/, '.js')}"]`,
    );
  });

  it('bakes in no secret', () => {
    for (const step of steps.filter((s) => s.keyword === 'ENV' || s.keyword === 'ARG'))
      expect(step.args).not.toMatch(/(PASSWORD|SECRET|TOKEN|API_KEY)/i);
  });
});

describe('.dockerignore', () => {
  it('keeps local state, installed modules and env files out of the build context', () => {
    const ignored = readText('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '.git', '.infra', '.env', '.env.*']));
  });
});
