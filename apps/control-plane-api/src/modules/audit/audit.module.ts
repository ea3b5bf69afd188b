import { Module } from '@nestjs/common';
import { AuditPublicController } from './api/audit.public.controller';
import { ListAuditEntriesHandler } from './application/queries/list-audit-entries.query';

/** Read side of the audit log (decision 15); the writer is AuditLog, provided by PersistenceModule. */
@Module({
  controllers: [AuditPublicController],
  providers: [ListAuditEntriesHandler],
})
export class AuditModule {}
