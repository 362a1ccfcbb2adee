// The controller runtime's public surface, for main.ts and the reconciler.
export { backoffDelay, KeyedBackoff } from './backoff.ts';
export {
  Controller,
  type ControllerOptions,
  type ReconcileContext,
  type ReconcileRequest,
  type ReconcileResult,
  type Reconciler,
} from './controller.ts';
export {
  createErrorPolicy,
  type ErrorDecision,
  type ErrorPolicy,
  errorReason,
  httpStatus,
  ReconcileError,
} from './errors.ts';
export { EventRecorder, type EventType, type Regarding } from './events.ts';
export {
  type InformerEventType,
  type InformerHandler,
  SelfHealingInformer,
  type WatchFn,
} from './informer.ts';
export { controllerOwnerKey, keyOf, type ObjectRef, objectKey, parseKey } from './keys.ts';
export { LeaderElector, type LeaseLock, leaderIdentity, leaseLock } from './leader-election.ts';
export { Manager } from './manager.ts';
export { createMetricsRegistry, RuntimeMetrics } from './metrics.ts';
export { apiServerReviews, ScrapeAuthorizer } from './metrics-auth.ts';
export { metricsTls } from './metrics-tls.ts';
export { WorkQueue } from './queue.ts';
export { type MetricsSecurity, startHealthServer, startMetricsServer } from './servers.ts';
