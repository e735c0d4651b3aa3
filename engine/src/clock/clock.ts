/** Time, handed to the engine so tests can run on a virtual clock. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}
