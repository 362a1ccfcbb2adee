import { describe, expect, it } from 'vitest';
import { buildDeployment } from './deployment.ts';
import { hello, settings } from './fixtures.ts';
import { buildHorizontalPodAutoscaler } from './hpa.ts';

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
});
