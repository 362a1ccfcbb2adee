// Named health checks behind /healthz and /readyz, as controller-runtime's healthz package
// exposes them: all must pass; a failing one is named in the response.

/** Passes by returning (anything but false); fails by returning false or throwing. */
export type Check = () => unknown;

export type CheckResult = { name: string; ok: boolean; message?: string };

export class HealthChecks {
  readonly #checks = new Map<string, Check>();
  readonly #timeoutMs: number;

  /** `timeoutMs`: a check that has not answered by then fails, so a probe never hangs. */
  constructor(options: { timeoutMs?: number } = {}) {
    this.#timeoutMs = options.timeoutMs ?? 1000;
  }

  add(name: string, check: Check): this {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
      throw new RangeError(`check name must be lower-case kebab: ${name}`);
    if (this.#checks.has(name)) throw new RangeError(`check ${name} is already added`);
    this.#checks.set(name, check);
    return this;
  }

  has(name: string): boolean {
    return this.#checks.has(name);
  }

  /** Runs every check (or the one named) at once. */
  async run(only?: string): Promise<CheckResult[]> {
    const entries = [...this.#checks].filter(([name]) => only === undefined || name === only);
    return Promise.all(entries.map(([name, check]) => this.#runOne(name, check)));
  }

  async #runOne(name: string, check: Check): Promise<CheckResult> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<CheckResult>((resolve) => {
      timer = setTimeout(
        () => resolve({ name, ok: false, message: `no answer in ${this.#timeoutMs} ms` }),
        this.#timeoutMs,
      );
    });
    const outcome = (async (): Promise<CheckResult> => {
      try {
        const value = await check();
        return value === false ? { name, ok: false } : { name, ok: true };
      } catch (err) {
        return { name, ok: false, message: err instanceof Error ? err.message : String(err) };
      }
    })();
    try {
      return await Promise.race([outcome, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A ping check: the process answers. */
export const ping: Check = () => true;
