import { stopInfrastructure } from './infra-scripts';

export default async function globalTeardown(): Promise<void> {
  stopInfrastructure((process.env['LCM_INFRA_STARTED_BY_JEST'] ?? '').split(',').filter(Boolean));
}
