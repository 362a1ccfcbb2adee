import { describe, expect, it } from 'vitest';
import type { ScalingBehavior } from '../api/types.gen.ts';
import { buildDeployment } from './deployment.ts';
import { hello, settings } from './fixtures.ts';
import { buildHorizontalPodAutoscaler } from './hpa.ts';
import { RPS_METRIC } from './names.ts';

describe('buildHorizontalPodAutoscaler', () => {
  it('is absent without autoscaling', () => {
    expect(buildHorizontalPodAutoscaler(hello(), settings)).toBeUndefined();
    expect(buildHorizontalPodAutoscaler(hello({ replicas: 3 }), settings)).toBeUndefined();
  });

  it.each([
    ['defaults', { maxReplicas: 5 }, 2, 5, 80],
    ['given values', { minReplicas: 1, maxReplicas: 20, targetCPUUtilizationPercentage: 60 }, 1, 20, 60],
  ])('scales the Deployment on CPU (%s)', (_, autoscaling, min, max, target) => {
    const hs = hello({ autoscaling });
    const hpa = buildHorizontalPodAutoscaler(hs, settings);
    const deployment = buildDeployment(hs, settings);
    expect(hpa).toMatchObject({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' });
    expect(hpa?.spec?.scaleTargetRef).toEqual({
      apiVersion: deployment.apiVersion,
      kind: deployment.kind,
      name: deployment.metadata?.name,
    });
    expect(hpa?.spec?.minReplicas).toBe(min);
    expect(hpa?.spec?.maxReplicas).toBe(max);
    expect(hpa?.spec?.metrics).toEqual([
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } },
      },
    ]);
  });

  it('sets the scale-down stabilization window only when asked', () => {
    expect(
      buildHorizontalPodAutoscaler(hello({ autoscaling: { maxReplicas: 5 } }), settings)?.spec?.behavior,
    ).toBeUndefined();
    const hpa = buildHorizontalPodAutoscaler(
      hello({ autoscaling: { maxReplicas: 5, scaleDownStabilizationWindowSeconds: 15 } }),
      settings,
    );
    expect(hpa?.spec?.behavior).toEqual({ scaleDown: { stabilizationWindowSeconds: 15 } });
  });

  const cpu = {
    type: 'Resource',
    resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
  };

  it('adds memory and requests per second after CPU, each only when its target is set', () => {
    const metricsOf = (autoscaling: Record<string, unknown>) =>
      buildHorizontalPodAutoscaler(
        // Requests per second need monitoring (a CEL rule): the fixture is validated.
        hello({ autoscaling: { maxReplicas: 5, ...autoscaling }, monitoring: { enabled: true } }),
        settings,
      )?.spec?.metrics;
    const memory = {
      type: 'Resource',
      resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 70 } },
    };
    const rps = {
      type: 'Pods',
      pods: { metric: { name: RPS_METRIC }, target: { type: 'AverageValue', averageValue: '25' } },
    };
    expect(metricsOf({ targetMemoryUtilizationPercentage: 70 })).toEqual([cpu, memory]);
    expect(metricsOf({ targetRequestsPerSecond: 25 })).toEqual([cpu, rps]);
    expect(metricsOf({ targetMemoryUtilizationPercentage: 70, targetRequestsPerSecond: 25 })).toEqual([
      cpu,
      memory,
      rps,
    ]);
  });

  it('renders behavior as given, with only the fields given', () => {
    const behavior: ScalingBehavior = {
      scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }] },
      scaleDown: {
        selectPolicy: 'Min',
        policies: [
          { type: 'Percent', value: 50, periodSeconds: 30 },
          { type: 'Pods', value: 1, periodSeconds: 60 },
        ],
      },
    };
    const hpa = buildHorizontalPodAutoscaler(hello({ autoscaling: { maxReplicas: 5, behavior } }), settings);
    expect(hpa?.spec?.behavior).toEqual(behavior);
  });

  it('folds scaleDownStabilizationWindowSeconds into behavior.scaleDown beside the other fields', () => {
    const hpa = buildHorizontalPodAutoscaler(
      hello({
        autoscaling: {
          maxReplicas: 5,
          scaleDownStabilizationWindowSeconds: 10,
          behavior: { scaleDown: { policies: [{ type: 'Percent', value: 100, periodSeconds: 5 }] } },
        },
      }),
      settings,
    );
    expect(hpa?.spec?.behavior).toEqual({
      scaleDown: {
        stabilizationWindowSeconds: 10,
        policies: [{ type: 'Percent', value: 100, periodSeconds: 5 }],
      },
    });
  });

  it('renders no behavior for an empty one', () => {
    const hpa = buildHorizontalPodAutoscaler(
      hello({ autoscaling: { maxReplicas: 5, behavior: { scaleUp: {} } } }),
      settings,
    );
    expect(hpa?.spec?.behavior).toBeUndefined();
    expect(hpa?.spec?.metrics).toEqual([cpu]);
  });
});
