import {
  type DynamicModule,
  Global,
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { type Etcd3 } from 'etcd3';
import { MongoClient } from 'mongodb';
import { createEtcdClient } from '@lcm/etcd';
import { SystemClock } from '@lcm/domain';
import { createLogger, type Logger } from '@lcm/observability';
import { type AppConfig } from '../config/env.schema';
import { APP_CONFIG } from './app-config.token';
import { AuthGuard } from './auth/auth.guard';
import { DevTokenController } from './auth/dev-token.controller';
import { LeaderFencing } from './auth/leader-fencing';
import { sessionLogin } from './auth/session-login/session-login.providers';
import { DevelopmentTokenVerifier, OidcTokenVerifier } from './auth/token-verifier';
import { TOKEN_VERIFIER, UserAuthenticator } from './auth/user-authenticator';
import { HealthController } from './health/health.controller';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { StoreReconnector } from './mongo/store-reconnector';
import { StoreStartup } from './mongo/store-startup';
import { OpenApiController } from './openapi/openapi.controller';
import { CLOCK, ETCD_CLIENT, LOGGER, MONGO_CLIENT, MONGO_DB } from './platform.tokens';

/** Shared clients (MongoDB, etcd, logger, clock), authentication, error mapping, health and API docs. */
@Global()
@Module({})
export class PlatformModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(MONGO_CLIENT) private readonly mongo: MongoClient,
    @Inject(ETCD_CLIENT) private readonly etcd: Etcd3,
    @Inject(StoreStartup) private readonly startup: StoreStartup,
    @Inject(StoreReconnector) private readonly reconnector: StoreReconnector,
  ) {}

  static forRoot(
    config: AppConfig,
    logger: Logger = createLogger({ service: 'control-plane-api', level: config.LOG_LEVEL }),
  ): DynamicModule {
    const development = config.AUTH_MODE === 'development';
    const login = sessionLogin(config);
    return {
      module: PlatformModule,
      controllers: [
        HealthController,
        ...(config.SERVE_OPENAPI ? [OpenApiController] : []),
        ...(development ? [DevTokenController] : []),
        ...login.controllers,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: CLOCK, useValue: new SystemClock() },
        {
          provide: MONGO_CLIENT,
          // Connected by the first start-up step, not here: a store that is away at start-up delays
          // readiness, not the start. Until then every operation fails at once (topology closed),
          // which answers 503; a failed connect leaves the client closed, so the step retries it.
          useFactory: (startup: StoreStartup) => {
            const client = new MongoClient(config.MONGO_URL, {
              serverSelectionTimeoutMS: config.MONGO_TIMEOUT_MS,
              connectTimeoutMS: config.MONGO_TIMEOUT_MS,
              socketTimeoutMS: config.MONGO_TIMEOUT_MS,
            });
            startup.register('connect to the store', async () => {
              await client.connect();
            });
            return client;
          },
          inject: [StoreStartup],
        },
        {
          provide: StoreReconnector,
          useFactory: (client: MongoClient, log: Logger) =>
            new StoreReconnector(client, config.MONGO_TIMEOUT_MS, log),
          inject: [MONGO_CLIENT, LOGGER],
        },
        {
          provide: MONGO_DB,
          useFactory: (client: MongoClient) => client.db(config.MONGO_DB),
          inject: [MONGO_CLIENT],
        },
        {
          provide: ETCD_CLIENT,
          useFactory: () =>
            createEtcdClient(config.ETCD_ENDPOINTS, undefined, {
              callTimeoutMs: config.ETCD_CALL_TIMEOUT_MS,
            }),
        },
        {
          provide: TOKEN_VERIFIER,
          useValue: development
            ? new DevelopmentTokenVerifier(config.DEV_AUTH_SECRET ?? '', config.OIDC_ROLES_CLAIM)
            : new OidcTokenVerifier(config),
        },
        ...login.providers,
        UserAuthenticator,
        LeaderFencing,
        StoreStartup,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useFactory: () => new ProblemDetailsFilter(logger) },
      ],
      exports: [
        APP_CONFIG,
        LOGGER,
        CLOCK,
        MONGO_CLIENT,
        MONGO_DB,
        ETCD_CLIENT,
        TOKEN_VERIFIER,
        UserAuthenticator,
        StoreStartup,
      ],
    };
  }

  /** The first connect is a start-up step; the reconnector watches the connection from then on. */
  onApplicationBootstrap(): void {
    void this.startup.whenReady().then(() => this.reconnector.start());
  }

  async onApplicationShutdown(): Promise<void> {
    this.reconnector.stop();
    this.etcd.close();
    await this.mongo.close();
  }
}
