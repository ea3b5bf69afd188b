import { Module } from '@nestjs/common';
import { ProjectionRepublisher } from './projection-republisher';

/** Republishes the etcd projection of every bounded context (decision 18). The registry lives in LiveUpdatesModule. */
@Module({ providers: [ProjectionRepublisher] })
export class ProjectionModule {}
