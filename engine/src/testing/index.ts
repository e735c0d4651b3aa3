// '@rulecord/engine/testing': the contract suites every port implementation runs, and small test helpers.
export { stateStoreContract } from './state-contract.js';
export type { StateStoreFixture } from './state-contract.js';
export { randomId, sleep, waitFor } from './util.js';
export { connectTestRedis, deleteKeysWithPrefix, testRedisUrl } from './redis.js';
export { timerStoreContract } from './timer-store-contract.js';
export type { TimerStoreFixture } from './timer-store-contract.js';
export { schedulerContract, CONTRACT_RETRY } from './scheduler-contract.js';
export type { SchedulerContractOptions, SchedulerFixture } from './scheduler-contract.js';
export { sampleTrace } from './trace.js';
