// A capacity handed out in amounts and given back: concurrent /work burns, bytes of request bodies
// being received. It refuses instead of queueing, so that a flood of requests costs a quick
// refusal each and never memory or CPU held on their behalf.

export class Budget {
  readonly capacity: number;
  #used = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get used(): number {
    return this.#used;
  }

  /** Takes `amount` if it is still free; false (and nothing taken) otherwise. */
  tryTake(amount: number): boolean {
    if (this.#used + amount > this.capacity) return false;
    this.#used += amount;
    return true;
  }

  giveBack(amount: number): void {
    this.#used -= amount;
  }
}
