import { describe, expect, it } from 'vitest';
import { Attribution } from '../../src/core/attribution.js';
import { resolvePreset } from '../../src/presets.js';
import { OCCUPIED_NOTE, readingNotes } from '../../src/presets-cluster.js';

// The names are dcgm-exporter's (etc/default-counters.csv, the metric template's labels) and
// kube-state-metrics' (docs/metrics/workload/pod-metrics.md); README cites them.
describe('cluster presets', () => {
  it('dcgm: allocated is the presence of a GPU series of engine activity, busy its ratio', () => {
    const dcgm = resolvePreset('dcgm');
    expect(dcgm.metrics).toEqual({
      gpu_seconds: 'DCGM_FI_PROF_GR_ENGINE_ACTIVE',
      gpu_busy_seconds: 'DCGM_FI_PROF_GR_ENGINE_ACTIVE',
    });
    expect(dcgm.readings).toEqual({
      gpu_seconds: { kind: 'presence', scale: 1 },
      gpu_busy_seconds: { kind: 'gauge', scale: 1 },
    });
    expect(dcgm.labels).toEqual({
      useCase: 'use_case',
      modelName: 'modelName',
      gpuType: 'modelName',
    });
    expect(dcgm.gpuTypeByNode).toBeUndefined();
    expect(dcgm.neededLabels?.gpu_seconds).toEqual(['namespace', 'modelName']);
  });

  it('dcgm-util: DCGM_FI_DEV_GPU_UTIL in percent, read x 0.01, and says it is occupied', () => {
    const util = resolvePreset('dcgm-util');
    expect(util.metrics).toEqual({
      gpu_seconds: 'DCGM_FI_DEV_GPU_UTIL',
      gpu_busy_seconds: 'DCGM_FI_DEV_GPU_UTIL',
    });
    expect(util.readings?.gpu_busy_seconds).toEqual({ kind: 'gauge', scale: 0.01 });
    expect(util.readings?.gpu_seconds).toEqual({ kind: 'presence', scale: 1 });
    expect(util.description).toMatch(/occupied/);
    expect(readingNotes(util.metrics)).toEqual([OCCUPIED_NOTE]);
    expect(OCCUPIED_NOTE).toMatch(/occupied, not how much of it worked/);
    // Profiling metrics say busy: no note.
    expect(readingNotes(resolvePreset('dcgm').metrics)).toEqual([]);
    expect(readingNotes(resolvePreset('kubernetes-gpu').metrics)).toEqual([]);
    // However busy time comes to be read from it (a config naming it in a list too).
    expect(readingNotes({ gpu_busy_seconds: ['x', 'DCGM_FI_DEV_GPU_UTIL'] })).toEqual([
      OCCUPIED_NOTE,
    ]);
    expect(readingNotes({ gpu_seconds: 'DCGM_FI_DEV_GPU_UTIL' })).toEqual([]);
  });

  it('kube-state-metrics: GPUs requested x time, only resource="nvidia_com_gpu", GPU type by node', () => {
    const ksm = resolvePreset('kube-state-metrics');
    expect(ksm.metrics).toEqual({
      gpu_seconds: {
        names: 'kube_pod_container_resource_requests',
        match: { resource: { regex: 'nvidia_com_gpu|nvidia_com_mig_.+' } },
      },
    });
    expect(ksm.readings).toEqual({ gpu_seconds: { kind: 'gauge', scale: 1 } });
    expect(ksm.metrics.gpu_busy_seconds).toBeUndefined();
    expect(ksm.gpuTypeByNode).toEqual({ nodeLabel: 'node', resourceLabel: 'resource' });
    expect(ksm.neededLabels?.gpu_seconds).toEqual(['namespace', 'node']);
  });

  it('kubernetes-gpu: requests allocated, DCGM busy, request types from the DCGM series of the node', () => {
    const k8s = resolvePreset('kubernetes-gpu');
    expect(k8s.metrics).toEqual({
      gpu_seconds: {
        names: 'kube_pod_container_resource_requests',
        match: { resource: { regex: 'nvidia_com_gpu|nvidia_com_mig_.+' } },
      },
      gpu_busy_seconds: 'DCGM_FI_PROF_GR_ENGINE_ACTIVE',
    });
    expect(k8s.readings).toEqual({
      gpu_seconds: { kind: 'gauge', scale: 1 },
      gpu_busy_seconds: { kind: 'gauge', scale: 1 },
    });
    // dcgm-exporter writes Hostname up to 4.5.3-4.8.2, hostname after (its #655).
    expect(k8s.gpuTypeByNode).toEqual({
      nodeLabel: 'node',
      resourceLabel: 'resource',
      fromMeasure: { metric: 'gpu_busy_seconds', nodeLabels: ['Hostname', 'hostname'] },
    });
  });

  it.each(['dcgm', 'dcgm-util', 'kube-state-metrics', 'kubernetes-gpu'])(
    '%s makes the use case from the namespace; a series without one is unattributed',
    (name) => {
      const preset = resolvePreset(name);
      const rules = new Attribution(preset.attribution?.rules ?? [], preset.attribution?.unmatched);
      expect(rules.labelsRead).toEqual(['exported_namespace', 'namespace']);
      expect(rules.useCaseOf({ namespace: 'search', pod: 'a' })).toBe('search');
      // A scrape that kept its own namespace renamed the exporter's: the workload's wins.
      expect(rules.useCaseOf({ namespace: 'gpu-operator', exported_namespace: 'search' })).toBe(
        'search',
      );
      expect(rules.useCaseOf({ namespace: '' })).toBeUndefined();
      expect(rules.useCaseOf({ modelName: 'NVIDIA H100 80GB HBM3' })).toBeUndefined();
      expect(rules.unmatchedReason).toMatch(/without a namespace label/);
    },
  );
});

describe('--preset', () => {
  it('is --metrics-preset by a shorter name, and two different names are refused', async () => {
    const { presetFlag } = await import('../../src/commands/options.js');
    expect(presetFlag({ preset: 'dcgm' })).toBe('dcgm');
    expect(presetFlag({ metricsPreset: 'dcgm' })).toBe('dcgm');
    expect(presetFlag({ metricsPreset: 'dcgm', preset: 'dcgm' })).toBe('dcgm');
    expect(presetFlag({})).toBeUndefined();
    expect(() => presetFlag({ metricsPreset: 'dcgm', preset: 'kubernetes-gpu' })).toThrow(
      '--metrics-preset dcgm and --preset kubernetes-gpu name different presets; give one',
    );
  });
});

describe('kube-state-metrics GPU resources', () => {
  it('select whole GPUs and MIG resources, anchored, on both sources', async () => {
    const { selector } = await import('../../src/sources/promql.js');
    const { passesMatch, storedMatch } = await import('../../src/sources/types.js');
    const names = resolvePreset('kubernetes-gpu').metrics.gpu_seconds;
    if (names === undefined) throw new Error('no gpu_seconds');
    expect(selector(names, [])).toBe(
      'kube_pod_container_resource_requests{resource=~"nvidia_com_gpu|nvidia_com_mig_.+"}',
    );
    const passes = (resource: string) => passesMatch({ resource }, storedMatch(names));
    expect(passes('nvidia_com_gpu')).toBe(true);
    expect(passes('nvidia_com_mig_1g_10gb')).toBe(true);
    expect(passes('nvidia_com_mig_1g_10gb_me')).toBe(true);
    for (const other of [
      'cpu',
      'memory',
      'nvidia_com_gpu_shared',
      'xnvidia_com_gpu',
      'nvidia_com_mig_',
      '',
    ])
      expect(passes(other)).toBe(false);
  });
});
