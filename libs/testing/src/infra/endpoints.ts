// Where the test infrastructure listens. Variables set by the caller (compose stack, a user's CI)
// win; otherwise the loopback servers scripts/infra/up.sh starts.
export interface InfraEndpoints {
  mongoUrl: string;
  etcdEndpoints: string[];
  awsEndpointUrl: string;
}

export function infraEndpoints(env: NodeJS.ProcessEnv = process.env): InfraEndpoints {
  return {
    mongoUrl: env['MONGO_URL'] ?? `mongodb://127.0.0.1:${env['LCM_MONGO_PORT'] ?? 27017}`,
    etcdEndpoints: (env['ETCD_ENDPOINTS'] ?? `http://127.0.0.1:${env['LCM_ETCD_PORT'] ?? 2379}`)
      .split(',')
      .map((endpoint) => endpoint.trim())
      .filter(Boolean),
    awsEndpointUrl: env['AWS_ENDPOINT_URL'] ?? `http://127.0.0.1:${env['LCM_MOTO_PORT'] ?? 5000}`,
  };
}
