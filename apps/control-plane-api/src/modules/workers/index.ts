// The workers module's public surface for other modules (.dependency-cruiser.cjs).
export { CmlWorkerRepository } from './infrastructure/cml-worker.repository';
export { WorkersEtcdProjector } from './infrastructure/workers.etcd-projector';
export { WorkerViewFactory } from './infrastructure/worker-view-factory';
export { workerNotifications } from './infrastructure/cml-worker.views';
