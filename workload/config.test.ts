import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_MESSAGE, describeConfig, parseConfig } from './config.ts';

describe('parseConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    expect(parseConfig({}, '1.0.0')).toEqual({
      port: 8080,
      message: DEFAULT_MESSAGE,
      tmpDir: '/tmp',
      logLevel: 'info',
      drainMs: 5000,
      shutdownTimeoutMs: 20000,
      scratchMaxItemBytes: 65536,
      scratchMaxTotalBytes: 16 * 1024 * 1024,
      scratchVolumeBytes: undefined,
      scratchMaxItems: 1024,
      scratchMaxBytesInFlight: 4 * 1024 * 1024,
      httpMaxConnections: 1000,
      httpHeadersTimeoutMs: 10_000,
      httpRequestTimeoutMs: 30_000,
      workMaxMs: 1000,
      workMaxConcurrent: 0,
      version: '1.0.0',
    });
  });

  it('reads every setting', () => {
    const c = parseConfig({
      PORT: '0',
      MESSAGES: 'Grüße\nzweite Zeile',
      TMPDIR: '/scratch',
      LOG_LEVEL: 'DEBUG',
      SHUTDOWN_DRAIN_SECONDS: '0.25',
      SHUTDOWN_TIMEOUT_SECONDS: '3',
      SCRATCH_MAX_ITEM_BYTES: '10',
      SCRATCH_MAX_TOTAL_BYTES: '10',
      SCRATCH_MAX_ITEMS: '2',
      SCRATCH_MAX_BYTES_IN_FLIGHT: '20',
      HTTP_MAX_CONNECTIONS: '7',
      HTTP_HEADERS_TIMEOUT_SECONDS: '0.5',
      HTTP_REQUEST_TIMEOUT_SECONDS: '2',
      WORK_MAX_MS: '50',
      WORK_MAX_CONCURRENT: '3',
      VERSION: 'v9',
    });
    expect(c).toMatchObject({
      port: 0,
      message: 'Grüße\nzweite Zeile',
      tmpDir: '/scratch',
      logLevel: 'debug',
      drainMs: 250,
      shutdownTimeoutMs: 3000,
      scratchMaxItemBytes: 10,
      scratchMaxTotalBytes: 10,
      scratchMaxItems: 2,
      scratchMaxBytesInFlight: 20,
      httpMaxConnections: 7,
      httpHeadersTimeoutMs: 500,
      httpRequestTimeoutMs: 2000,
      workMaxMs: 50,
      workMaxConcurrent: 3,
      version: 'v9',
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '65536'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['PORT', ''],
    ['MESSAGES', ''],
    ['TMPDIR', 'relative/dir'],
    ['LOG_LEVEL', 'verbose'],
    ['SHUTDOWN_DRAIN_SECONDS', 'soon'],
    ['SHUTDOWN_DRAIN_SECONDS', '-1'],
    ['SHUTDOWN_TIMEOUT_SECONDS', '1e3'],
    ['SCRATCH_MAX_ITEM_BYTES', '0'],
    ['SCRATCH_MAX_ITEMS', 'many'],
    ['WORK_MAX_MS', '0'],
    ['WORK_MAX_CONCURRENT', '33'],
    ['HTTP_MAX_CONNECTIONS', '0'],
    ['HTTP_HEADERS_TIMEOUT_SECONDS', '0'],
    ['HTTP_REQUEST_TIMEOUT_SECONDS', '0'],
    ['SCRATCH_MAX_BYTES_IN_FLIGHT', '0'],
    ['WORK_MAX_CONCURRENT', 'many'],
    ['VERSION', ''],
  ])('rejects %s=%j, naming the setting', (setting, value) => {
    let error: unknown;
    try {
      parseConfig({ [setting]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).setting).toBe(setting);
    expect((error as ConfigError).message).toContain(setting);
  });

  it('rejects a shutdown timeout that leaves no time after the drain', () => {
    expect(() => parseConfig({ SHUTDOWN_DRAIN_SECONDS: '10', SHUTDOWN_TIMEOUT_SECONDS: '10' })).toThrow(
      /SHUTDOWN_TIMEOUT_SECONDS.*greater than SHUTDOWN_DRAIN_SECONDS/,
    );
  });

  it('keeps as much scratch as the volume holds when SCRATCH_VOLUME_BYTES says how large it is', () => {
    expect(parseConfig({ SCRATCH_VOLUME_BYTES: String(2 ** 30) })).toMatchObject({
      scratchVolumeBytes: 2 ** 30,
      scratchMaxTotalBytes: 2 ** 30,
      scratchMaxItemBytes: 64 * 1024,
    });
    // A volume smaller than an item lowers the item bound instead of failing the start.
    expect(parseConfig({ SCRATCH_VOLUME_BYTES: '1000' })).toMatchObject({
      scratchMaxTotalBytes: 1000,
      scratchMaxItemBytes: 1000,
    });
    expect(() => parseConfig({ SCRATCH_VOLUME_BYTES: '0' })).toThrow(/SCRATCH_VOLUME_BYTES/);
  });

  it('rejects upload bytes in flight smaller than one item', () => {
    expect(() => parseConfig({ SCRATCH_MAX_ITEM_BYTES: '100', SCRATCH_MAX_BYTES_IN_FLIGHT: '99' })).toThrow(
      /SCRATCH_MAX_BYTES_IN_FLIGHT.*at least SCRATCH_MAX_ITEM_BYTES/,
    );
  });

  it('rejects a request timeout shorter than the headers timeout', () => {
    expect(() =>
      parseConfig({ HTTP_HEADERS_TIMEOUT_SECONDS: '10', HTTP_REQUEST_TIMEOUT_SECONDS: '5' }),
    ).toThrow(/HTTP_REQUEST_TIMEOUT_SECONDS.*at least HTTP_HEADERS_TIMEOUT_SECONDS/);
  });

  it('rejects a scratch total smaller than one item', () => {
    expect(() => parseConfig({ SCRATCH_MAX_ITEM_BYTES: '100', SCRATCH_MAX_TOTAL_BYTES: '99' })).toThrow(
      /SCRATCH_MAX_TOTAL_BYTES/,
    );
  });
});

describe('describeConfig', () => {
  it('logs the message size, not the (possibly large) message', () => {
    const d = describeConfig(parseConfig({ MESSAGES: 'héllo' }));
    expect(d).not.toHaveProperty('message');
    expect(d.messageBytes).toBe(6);
  });
});
