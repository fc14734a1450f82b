import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planGpuTypes } from '../../src/assign-gpu-types.js';
import { loadConfig } from '../../src/config.js';
import { GpuTypes, migProfileOfResource, nodeFindings } from '../../src/core/gpu-types.js';
import type { BucketSeries } from '../../src/core/types.js';
import { compileGpuTypes } from '../../src/gpu-types-config.js';
import { resolvePreset } from '../../src/presets.js';
import type { UsageQuery, UsageSource } from '../../src/sources/types.js';
import { tempDir } from '../helpers/temp.js';

const H100 = 'NVIDIA H100 80GB HBM3';
const A100 = 'NVIDIA A100-SXM4-80GB';

async function load(gpuTypes: unknown) {
  const dir = await tempDir('ml-cost-gpu-types-');
  await writeFile(join(dir, 'ml-cost.config.json'), JSON.stringify({ gpu_types: gpuTypes }));
  return { file: join(dir, 'ml-cost.config.json'), result: loadConfig(undefined, dir) };
}

describe('config gpu_types', () => {
  it('reads a node table and rules with the attribution matchers', async () => {
    const section = {
      by_node: { 'gpu-node-1': 'H100-80GB' },
      rules: [
        { match: { node: { prefix: 'a100-' } }, gpu_type: A100 },
        { match: { node: { regex: 'mig-[0-9]+' } }, gpu_type: 'H100-80GB', mig_profile: '1g.10gb' },
      ],
    };
    const { result } = await load(section);
    expect((await result).config.gpu_types).toEqual(section);
  });

  it.each([
    ['an empty section', {}, 'gpu_types: must have by_node (node -> GPU type) or rules'],
    [
      'an empty GPU type',
      { by_node: { n1: '' } },
      'gpu_types.by_node.n1: a GPU type (a gpu_hour key or gpu_aliases name of the catalogue) must be non-empty, with no control characters and no leading or trailing spaces',
    ],
    [
      'a GPU type with an escape character',
      { by_node: { n1: 'H100\u001b[31m' } },
      'gpu_types.by_node.n1: a GPU type',
    ],
    [
      'an invalid regular expression',
      { rules: [{ match: { node: { regex: 'gpu-(' } }, gpu_type: 'H100-80GB' }] },
      'gpu_types.rules.0.match.node.regex: invalid regular expression "gpu-(": Unterminated group',
    ],
    [
      'a misspelt field',
      { by_nodes: { n1: 'H100-80GB' } },
      'gpu_types.by_nodes: unknown field; did you mean "by_node"?',
    ],
    [
      'a rule without a type',
      { rules: [{ match: { node: 'n1' } }] },
      'gpu_types.rules.0.gpu_type:',
    ],
    [
      'a node label that is not one',
      { node_label: '__node', by_node: { n1: 'H100-80GB' } },
      'gpu_types.node_label: "__node" is not a label name',
    ],
  ])('refuses %s in one line naming the field', async (_name, section, message) => {
    const { file, result } = await load(section);
    const error = await result.catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`${file}: ${message}`);
    expect((error as Error).message).not.toContain('\n');
    expect((error as Error).message).not.toContain('\u001b');
  });
});

describe('GPU type of a series without one', () => {
  const settings = compileGpuTypes(
    {
      by_node: { 'gpu-node-1': 'H100-80GB' },
      rules: [
        { match: { node: { prefix: 'a100-' } }, gpu_type: A100 },
        { match: { node: { regex: 'mig-[0-9]+' } }, gpu_type: 'H100-80GB', mig_profile: '1g.10gb' },
        { match: { namespace: 'burst', node: '' }, gpu_type: 'L4' },
      ],
    },
    { nodeLabel: 'node' },
  );

  it('takes the node table first, then the first rule that matches, then the DCGM lookup', () => {
    const fromDcgm = nodeFindings([
      { node: 'gpu-node-1', gpuType: A100, migProfile: '', seconds: 60 },
      { node: 'gpu-node-2', gpuType: H100, migProfile: '', seconds: 60 },
    ]);
    const types = new GpuTypes(settings, fromDcgm);
    expect(types.labelsRead).toEqual(['node', 'namespace']);
    // The table overrides what DCGM says.
    expect(types.typeOf({ node: 'gpu-node-1' })).toEqual({ gpuType: 'H100-80GB', migProfile: '' });
    expect(types.typeOf({ node: 'gpu-node-2' })).toEqual({ gpuType: H100, migProfile: '' });
    expect(types.typeOf({ node: 'a100-7' })).toEqual({ gpuType: A100, migProfile: '' });
    expect(types.typeOf({ node: 'mig-12' })).toEqual({
      gpuType: 'H100-80GB',
      migProfile: '1g.10gb',
    });
    // Anchored: no partial regex match.
    expect(types.typeOf({ node: 'xmig-12' })).toBeUndefined();
    // A missing label is "": a pending pod in namespace burst.
    expect(types.typeOf({ namespace: 'burst' })).toEqual({ gpuType: 'L4', migProfile: '' });
    expect(types.typeOf({ node: 'gpu-node-9' })).toBeUndefined();
    expect(types.typeOf({})).toBeUndefined();
  });

  it('treats hostile node names as plain text', () => {
    const types = new GpuTypes(compileGpuTypes({ by_node: { 'a.*': 'L4' } }));
    expect(types.typeOf({ node: 'a.*' })).toEqual({ gpuType: 'L4', migProfile: '' });
    expect(types.typeOf({ node: 'abc' })).toBeUndefined();
    expect(types.typeOf({ node: '__proto__' })).toBeUndefined();
    expect(types.typeOf({ node: 'constructor' })).toBeUndefined();
    // The memo key cannot confuse "1:a" + "" with "" + "1:a".
    const two = new GpuTypes(
      compileGpuTypes({ rules: [{ match: { node: '1:a', namespace: '' }, gpu_type: 'L4' }] }),
    );
    expect(two.typeOf({ node: '', namespace: '1:a' })).toBeUndefined();
    expect(two.typeOf({ node: '1:a', namespace: '' })).toEqual({ gpuType: 'L4', migProfile: '' });
  });

  it('reads a node of one type, of MIG slices of one profile, and tells a node of several types', () => {
    const found = nodeFindings([
      { node: 'n1', gpuType: H100, migProfile: '', seconds: 30 },
      { node: 'n1', gpuType: H100, migProfile: '', seconds: 30 },
      // Mixed strategy: whole GPUs are nvidia.com/gpu, the slices other resources.
      { node: 'n2', gpuType: H100, migProfile: '', seconds: 30 },
      { node: 'n2', gpuType: H100, migProfile: '3g.40gb', seconds: 30 },
      // Single strategy: every nvidia.com/gpu is a slice.
      { node: 'n3', gpuType: A100, migProfile: '1g.10gb', seconds: 30 },
      { node: 'n4', gpuType: H100, migProfile: '', seconds: 30 },
      { node: 'n4', gpuType: A100, migProfile: '', seconds: 30 },
      { node: 'n5', gpuType: A100, migProfile: '1g.10gb', seconds: 30 },
      { node: 'n5', gpuType: A100, migProfile: '3g.40gb', seconds: 30 },
      // No node, no type or no time say nothing.
      { node: '', gpuType: H100, migProfile: '', seconds: 30 },
      { node: 'n6', gpuType: '', migProfile: '', seconds: 30 },
      { node: 'n7', gpuType: H100, migProfile: '', seconds: 0 },
    ]);
    const whole = (gpuType: string) => ({ gpuType, migProfile: '' });
    const slice = (gpuType: string, migProfile: string) => ({ gpuType, migProfile });
    expect(Object.fromEntries(found)).toEqual({
      n1: [whole(H100)],
      n2: [whole(H100), slice(H100, '3g.40gb')],
      n3: [slice(A100, '1g.10gb')],
      n4: [whole(H100), whole(A100)],
      n5: [slice(A100, '1g.10gb'), slice(A100, '3g.40gb')],
    });
    const types = new GpuTypes(compileGpuTypes(undefined, { resourceLabel: 'resource' }), found);
    const gpu = (node: string) => types.typeOf({ node, resource: 'nvidia_com_gpu' });
    const mig = (node: string, resource: string) => types.typeOf({ node, resource });
    expect(gpu('n1')).toEqual(whole(H100));
    // Mixed strategy: nvidia.com/gpu is a whole GPU, nvidia.com/mig-3g.40gb one slice.
    expect(gpu('n2')).toEqual(whole(H100));
    expect(mig('n2', 'nvidia_com_mig_3g_40gb')).toEqual(slice(H100, '3g.40gb'));
    // A profile no slice of the node reported yet: the node's one model.
    expect(mig('n2', 'nvidia_com_mig_1g_10gb')).toEqual(slice(H100, '1g.10gb'));
    // Single strategy: every nvidia.com/gpu is a slice.
    expect(gpu('n3')).toEqual(slice(A100, '1g.10gb'));
    // Two models: neither a whole GPU request nor a slice of an unseen profile can be told.
    expect(gpu('n4')).toBeUndefined();
    expect(types.severalTypes('n4')).toEqual([A100, H100]);
    expect(mig('n4', 'nvidia_com_mig_1g_10gb')).toBeUndefined();
    expect(gpu('n5')).toBeUndefined();
    expect(types.severalTypes('n5')).toEqual([`${A100} (MIG 1g.10gb)`, `${A100} (MIG 3g.40gb)`]);
    expect(mig('n5', 'nvidia_com_mig_3g_40gb')).toEqual(slice(A100, '3g.40gb'));
    expect(gpu('n9')).toBeUndefined();
  });

  it("reads the MIG profile of a kube-state-metrics resource, and prices a mapped node's slice", () => {
    expect(migProfileOfResource('nvidia_com_mig_1g_10gb')).toBe('1g.10gb');
    expect(migProfileOfResource('nvidia_com_mig_3g_40gb')).toBe('3g.40gb');
    expect(migProfileOfResource('nvidia_com_mig_7g_141gb')).toBe('7g.141gb');
    // The device plugin writes 1g.10gb+me as mig-1g.10gb.me; kube-state-metrics _ for both.
    expect(migProfileOfResource('nvidia_com_mig_1g_10gb_me')).toBe('1g.10gb+me');
    for (const other of ['nvidia_com_gpu', 'cpu', 'nvidia_com_mig_', 'nvidia_com_mig_1g', ''])
      expect(migProfileOfResource(other)).toBe('');
    const types = new GpuTypes(
      compileGpuTypes(
        { by_node: { n1: 'A100-80GB' } },
        { nodeLabel: 'node', resourceLabel: 'resource' },
      ),
    );
    expect(types.typeOf({ node: 'n1', resource: 'nvidia_com_mig_2g_20gb' })).toEqual({
      gpuType: 'A100-80GB',
      migProfile: '2g.20gb',
    });
    expect(types.typeOf({ node: 'n1', resource: 'nvidia_com_gpu' })).toEqual({
      gpuType: 'A100-80GB',
      migProfile: '',
    });
  });
});

describe('planGpuTypes', () => {
  const HOUR = 3_600_000;
  const edges = Float64Array.of(0, HOUR, 2 * HOUR);
  const labels = {
    useCase: 'use_case',
    modelName: 'modelName',
    gpuType: 'modelName',
    migProfile: 'GPU_I_PROFILE',
  };

  /** A source answering the DCGM lookup with fixed node series, recording the queries. */
  function fakeSource(lookup: BucketSeries[]): { source: UsageSource; queries: UsageQuery[] } {
    const queries: UsageQuery[] = [];
    const source: UsageSource = {
      description: 'fake',
      async fetch(query, onSeries) {
        queries.push(query);
        for (const series of lookup) onSeries(series);
        return { requests: 1, emptyMetrics: [], partial: false };
      },
      inspect: () => Promise.reject(new Error('not asked')),
    };
    return { source, queries };
  }

  const series = (
    metric: 'gpu_seconds' | 'gpu_busy_seconds' | 'tokens',
    l: Record<string, string>,
    ...values: number[]
  ): BucketSeries => ({
    metric,
    labels: l,
    offset: 0,
    values: Float64Array.from(values),
  });

  it('kubernetes-gpu: one lookup query over the window, by the DCGM node labels, then types the requests', async () => {
    const preset = resolvePreset('kubernetes-gpu');
    const { source, queries } = fakeSource([
      series(
        'gpu_busy_seconds',
        { Hostname: 'gpu-node-1', hostname: '', modelName: H100, GPU_I_PROFILE: '' },
        7200,
      ),
      // A newer dcgm-exporter writes hostname.
      series(
        'gpu_busy_seconds',
        { Hostname: '', hostname: 'gpu-node-2', modelName: A100, GPU_I_PROFILE: '1g.10gb' },
        3600,
      ),
    ]);
    const plan = await planGpuTypes(
      {
        gpuTypes: {
          settings: compileGpuTypes({ by_node: { 'gpu-node-3': 'L4' } }, preset.gpuTypeByNode),
          ...(preset.gpuTypeByNode?.fromMeasure
            ? { fromMeasure: preset.gpuTypeByNode.fromMeasure }
            : {}),
        },
        labels,
        metrics: preset.metrics,
        readings: preset.readings,
        source,
      },
      { edges, reads: ['gpu_seconds', 'gpu_busy_seconds'] },
    );
    expect(queries).toHaveLength(1);
    const query = queries[0] as UsageQuery;
    expect([...query.edges]).toEqual([0, 2 * HOUR]);
    expect(query.by).toEqual(['Hostname', 'hostname']);
    expect(query.metrics).toEqual({ gpu_busy_seconds: 'DCGM_FI_PROF_GR_ENGINE_ACTIVE' });
    expect(query.readings).toEqual({ gpu_busy_seconds: { kind: 'presence', scale: 1 } });
    expect(query.gpuTypeLabel).toBe('modelName');
    expect(query.migProfileLabel).toBe('GPU_I_PROFILE');
    if (!plan) throw new Error('no plan');
    expect(plan.labelsRead).toEqual(['node', 'resource']);

    const typed = (l: Record<string, string>) => plan.assign(series('gpu_seconds', l, 3600)).labels;
    expect(typed({ node: 'gpu-node-1', modelName: '' })).toEqual({
      node: 'gpu-node-1',
      modelName: H100,
    });
    expect(typed({ node: 'gpu-node-2' })).toEqual({
      node: 'gpu-node-2',
      modelName: A100,
      GPU_I_PROFILE: '1g.10gb',
    });
    expect(typed({ node: 'gpu-node-3' })).toEqual({ node: 'gpu-node-3', modelName: 'L4' });
    // A series with a type keeps it; a measure not priced per GPU-hour is left alone.
    expect(typed({ node: 'gpu-node-1', modelName: 'L4' })).toEqual({
      node: 'gpu-node-1',
      modelName: 'L4',
    });
    expect(plan.assign(series('tokens', { node: 'gpu-node-1' }, 5)).labels).toEqual({
      node: 'gpu-node-1',
    });
    expect(plan.notes()).toEqual([]);

    // Unknown: a node no DCGM series names, and pods not scheduled; counted and named.
    plan.assign(series('gpu_seconds', { node: 'gpu-node-9' }, 3600, 3600));
    plan.assign(series('gpu_seconds', { node: '' }, 1800, Number.NaN));
    const notes = plan.notes();
    expect(notes).toHaveLength(1);
    expect(notes[0]?.text).toBe(
      'no GPU type for 2.50 GPU-hours of GPU-seconds (unpriced): neither gpu_types in the config nor the DCGM series of the node give it one (node="gpu-node-9"; no node (pods not scheduled)); map each node to a GPU type with gpu_types.by_node in the config, e.g. { "gpu_types": { "by_node": { "gpu-node-1": "H100-80GB" } } }',
    );
  });

  it('kube-state-metrics: no lookup query; without a mapping every request is unknown', async () => {
    const preset = resolvePreset('kube-state-metrics');
    const { source, queries } = fakeSource([]);
    const plan = await planGpuTypes(
      {
        gpuTypes: { settings: compileGpuTypes(undefined, preset.gpuTypeByNode) },
        labels,
        metrics: preset.metrics,
        readings: preset.readings,
        source,
      },
      { edges, reads: ['gpu_seconds'] },
    );
    expect(queries).toHaveLength(0);
    plan?.assign(series('gpu_seconds', { node: 'n1\u001b[2J' }, 7200));
    expect(plan?.notes()[0]?.text).toMatch(
      /^no GPU type for 2\.00 GPU-hours of GPU-seconds \(unpriced\): the series name their node, not the GPU, and gpu_types in the config gives none \(node="n1\\\\x1b\[2J"\)/,
    );
  });

  it('is not made without gpu_types or a preset that types by node, nor for reads of no priced measure', async () => {
    const { source } = fakeSource([]);
    const base = { labels, metrics: {}, source };
    expect(await planGpuTypes(base, { edges, reads: ['gpu_seconds'] })).toBeUndefined();
    expect(
      await planGpuTypes(
        { ...base, gpuTypes: { settings: compileGpuTypes(undefined) } },
        { edges, reads: ['tokens'] },
      ),
    ).toBeUndefined();
  });
});
