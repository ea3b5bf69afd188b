import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { SnapshotRegistry } from '../../platform/change-events/snapshot-registry';
import { LabletDefinitionsInternalController } from './api/lablet-definitions.internal.controller';
import { LabletDefinitionsPublicController } from './api/lablet-definitions.public.controller';
import { CreateDefinitionHandler } from './application/commands/create-definition.command';
import { DeprecateDefinitionHandler } from './application/commands/deprecate-definition.command';
import { UpdateDefinitionHandler } from './application/commands/update-definition.command';
import { GetDefinitionVersionHandler } from './application/queries/get-definition-version.query';
import { GetDefinitionHandler } from './application/queries/get-definition.query';
import { ListDefinitionVersionsHandler } from './application/queries/list-definition-versions.query';
import { ListDefinitionsHandler } from './application/queries/list-definitions.query';
import { LabletDefinitionRepository } from './infrastructure/lablet-definition.repository';
import { toDefinitionView } from './infrastructure/lablet-definition.views';

/** Bounds the SSE snapshot; a dashboard pages the API for anything older. */
const SNAPSHOT_LIMIT = 500;

/** Versioned lablet definitions (spec §3.7): admin CRUD of versions, reads for every caller. */
@Module({
  controllers: [LabletDefinitionsPublicController, LabletDefinitionsInternalController],
  providers: [
    CreateDefinitionHandler,
    UpdateDefinitionHandler,
    DeprecateDefinitionHandler,
    ListDefinitionsHandler,
    GetDefinitionHandler,
    ListDefinitionVersionsHandler,
    GetDefinitionVersionHandler,
  ],
})
export class LabletDefinitionsModule implements OnModuleInit {
  constructor(
    @Inject(SnapshotRegistry) private readonly snapshots: SnapshotRegistry,
    @Inject(LabletDefinitionRepository) private readonly definitions: LabletDefinitionRepository,
  ) {}

  onModuleInit(): void {
    this.snapshots.register(async () => {
      const states = await this.definitions.findSnapshotStates(SNAPSHOT_LIMIT);
      const items = states.map((state) => toDefinitionView(state, this.definitions.sidecarOf(state)));
      return [{ type: 'lablet_definition.snapshot', data: { items }, at: new Date().toISOString() }];
    });
  }
}
