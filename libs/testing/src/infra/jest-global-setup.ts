import { startInfrastructure } from './infra-scripts';

export default async function globalSetup(): Promise<void> {
  const started = await startInfrastructure();
  // The teardown runs in this same process and stops only what this run started.
  process.env['LCM_INFRA_STARTED_BY_JEST'] = started.join(',');
}
