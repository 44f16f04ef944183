import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.ts';
import { engineConfigFrom } from '../../../src/jobs/build-deps.ts';

describe('queue settings', () => {
  it('the queue prefix is hash-tagged by default (one Cluster slot per queue) and reaches the engine', () => {
    const c = loadConfig({});
    expect(c.queue).toEqual({ prefix: '{affiliate-etl}', clusterNodes: null });
    expect(engineConfigFrom(c)).toMatchObject({ queuePrefix: '{affiliate-etl}', redisClusterNodes: null });
  });

  it('QUEUE_PREFIX and REDIS_CLUSTER_NODES are read, checked, and handed to the engine', () => {
    const c = loadConfig({ QUEUE_PREFIX: '{acme}', REDIS_CLUSTER_NODES: ' 10.0.0.1:6379, redis-b:7000 ' });
    expect(engineConfigFrom(c)).toMatchObject({
      queuePrefix: '{acme}',
      redisClusterNodes: ['10.0.0.1:6379', 'redis-b:7000'],
    });
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1' })).toThrow(ConfigError);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1' })).toThrow(/"10\.0\.0\.1" is not host:port/);
    expect(() => loadConfig({ QUEUE_PREFIX: 'a:b' })).toThrow(/QUEUE_PREFIX must be one word without ":"/);
  });
});
