// '@rulecord/engine/testing': the contract suites every port implementation runs, and small test helpers.
export { stateStoreContract } from './state-contract.js';
export type { StateStoreFixture } from './state-contract.js';
export { randomId, sleep, waitFor } from './util.js';
export { connectTestRedis, deleteKeysWithPrefix, testRedisUrl } from './redis.js';
