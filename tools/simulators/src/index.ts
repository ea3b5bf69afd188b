export { startCmlFleetSimulator, CmlFleet, type CmlFleetSimulator, type CmlFleetSimulatorOptions } from './cml/server';
export { CmlWorker, CmlError, ZERO_LATENCIES, REALISTIC_LATENCIES, type CmlLatencies, type WorkerOptions as CmlWorkerOptions } from './cml/model';
export type { SimulatorHandle } from './kit/server';
export { FaultInjector, type FaultConfigInput } from './kit/faults';
export { RealScheduler, ManualScheduler, type Scheduler } from './kit/scheduler';
export { buildCloudEvent, encodeCloudEvent, CloudEventSink, type CloudEvent, type DeliveryMode } from './kit/cloudevents';
export { startCloudEventReceiver, type CloudEventReceiver, type ReceivedEvent } from './kit/event-receiver';
export { OpenApiResponseValidator, type ResponseCheck, type ValidationResult } from './kit/openapi-validator';
