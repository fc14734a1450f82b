// Doctor on cluster-shaped data: the cluster presets as candidates, found as the closest one,
// and their missing pieces (profiling metrics, namespace, node, the scrape's label handling)
// reported with fixes.
import { describe, expect, it } from 'vitest';
import type { NameStats } from '../../src/core/inspection.js';
import { METRICS, type Metric } from '../../src/core/measures.js';
import { type DoctorInput, diagnose } from '../../src/doctor/diagnose.js';
import type { Naming } from '../../src/doctor/match.js';
import { PRESET_NAMES, PRESETS, type PresetName } from '../../src/presets.js';
import { storedNames } from '../../src/sources/types.js';

const DAY = 86_400_000;

function namingOf(name: PresetName): Naming {
  const preset = PRESETS[name];
  return {
    name,
    metrics: Object.fromEntries(
      METRICS.map((metric) => [metric, storedNames(preset.metrics[metric] ?? [])]),
    ) as Record<Metric, readonly string[]>,
    labels: preset.labels,
    ...(preset.neededLabels ? { neededLabels: preset.neededLabels } : {}),
  };
}

const DCGM_LABELS = [
  'DCGM_FI_DRIVER_VERSION',
  'Hostname',
  'UUID',
  'container',
  'device',
  'gpu',
  'modelName',
  'namespace',
  'pci_bus_id',
  'pod',
];
const KSM_LABELS = ['container', 'namespace', 'node', 'pod', 'resource', 'uid', 'unit'];

function stats(labels: string[], overrides: Partial<NameStats> = {}): NameStats {
  return {
    series: 4,
    labels,
    intervalS: 30,
    maxGapS: 30,
    resets: 0,
    stale: 0,
    future: 0,
    ...overrides,
  };
}

function input(current: PresetName, names: Record<string, NameStats>): DoctorInput {
  return {
    fromMs: 0,
    toMs: DAY,
    current: namingOf(current),
    candidates: PRESET_NAMES.map(namingOf),
    observations: {
      names,
      overLimit: [],
      cardinality: {},
      gpuUsage: [],
      useCases: [],
      allNames: Object.keys(names),
      maxUniqueTimeseries: { value: 300_000, known: true },
      requests: 10,
    },
    versions: [{ version: 'v1', effectiveFromMs: 0, currency: 'EUR', gpuHour: { L4: 1 } }],
    catalogueOrigin: '/cat',
    valuedUseCases: [],
    maxLabelValues: 100,
  };
}

const both = {
  DCGM_FI_PROF_GR_ENGINE_ACTIVE: stats(DCGM_LABELS),
  DCGM_FI_DEV_GPU_UTIL: stats(DCGM_LABELS),
  kube_pod_container_resource_requests: stats(KSM_LABELS),
};

describe('doctor on a cluster', () => {
  it('finds kubernetes-gpu closest where both exporters are, and points tokens at it', () => {
    const report = diagnose(input('otel-collector', both));
    expect(report.closest?.naming.name).toBe('kubernetes-gpu');
    const gpu = report.findings.find((f) => f.subject.startsWith('GPU-seconds'));
    expect(gpu?.fix).toBe(
      'use --metrics-preset kubernetes-gpu (it reads kube_pod_container_resource_requests: 4 series)',
    );
    const tokens = report.findings.find((f) => f.subject.startsWith('tokens'));
    expect(tokens?.fix).toBe(
      "use --metrics-preset kubernetes-gpu: the stored series are a cluster's GPU time (kube_pod_container_resource_requests, DCGM_FI_PROF_GR_ENGINE_ACTIVE), and it reads no tokens",
    );
  });

  it('is healthy with kubernetes-gpu on such a cluster', () => {
    const report = diagnose(input('kubernetes-gpu', both));
    expect(report.findings).toEqual([]);
    expect(report.closest).toBeNull();
  });

  it('suggests dcgm-util where profiling metrics are missing, and says it is occupied', () => {
    const utilOnly = { DCGM_FI_DEV_GPU_UTIL: stats(DCGM_LABELS) };
    const fromDcgm = diagnose(input('dcgm', utilOnly));
    expect(fromDcgm.closest?.naming.name).toBe('dcgm-util');
    const busy = fromDcgm.findings.find((f) => f.subject.startsWith('busy GPU-seconds'));
    expect(busy).toMatchObject({ severity: 'problem', text: 'no series in the window' });
    expect(busy?.fix).toMatch(
      /^no profiling metrics here, but DCGM_FI_DEV_GPU_UTIL exists: use --metrics-preset dcgm-util; it says a GPU was occupied \(a kernel ran\), not how busy it was/,
    );
    // With kube-state-metrics allocating, only busy time moves to the utilisation.
    const fromK8s = diagnose(
      input('kubernetes-gpu', {
        ...utilOnly,
        kube_pod_container_resource_requests: stats(KSM_LABELS),
      }),
    );
    const k8sBusy = fromK8s.findings.find((f) => f.subject.startsWith('busy GPU-seconds'));
    expect(k8sBusy?.fix).toContain(
      'set metrics.gpu_busy_seconds in ml-cost.config.json to { "name": "DCGM_FI_DEV_GPU_UTIL", "kind": "gauge", "scale": 0.01 }',
    );
  });

  it('names what a missing namespace, node or modelName costs, and the fix', () => {
    const noPods = DCGM_LABELS.filter((l) => !['namespace', 'pod', 'container'].includes(l));
    const dcgm = diagnose(input('dcgm', { DCGM_FI_PROF_GR_ENGINE_ACTIVE: stats(noPods) }));
    const namespace = dcgm.findings.find((f) => f.text.startsWith('series carry no namespace'));
    expect(namespace?.text).toBe(
      'series carry no namespace label: no usage can be attributed (the use case is the namespace): all of it is unattributed',
    );
    expect(namespace?.fix).toContain("turn on dcgm-exporter's Kubernetes pod mapping");

    const noNode = KSM_LABELS.filter((l) => l !== 'node');
    const ksm = diagnose(
      input('kube-state-metrics', { kube_pod_container_resource_requests: stats(noNode) }),
    );
    const node = ksm.findings.find((f) => f.text.startsWith('series carry no node'));
    expect(node?.text).toContain('the GPU type of the requests cannot be found by node');
    expect(node?.fix).toContain('gpu_types.rules in ml-cost.config.json');

    const noModel = DCGM_LABELS.filter((l) => l !== 'modelName');
    const model = diagnose(input('dcgm', { DCGM_FI_PROF_GR_ENGINE_ACTIVE: stats(noModel) }));
    expect(model.findings.map((f) => f.text)).toContain(
      'series carry no modelName label: GPU time cannot be priced (all of it unpriced)',
    );
  });

  it('warns when the scrape renamed the workload namespace to exported_namespace', () => {
    const report = diagnose(
      input('dcgm', {
        DCGM_FI_PROF_GR_ENGINE_ACTIVE: stats([
          ...DCGM_LABELS,
          'exported_namespace',
          'exported_pod',
        ]),
      }),
    );
    const warning = report.findings.find((f) =>
      f.text.startsWith('series carry exported_namespace'),
    );
    expect(warning?.severity).toBe('warning');
    expect(warning?.fix).toContain('honorLabels: true');
    // Not for the service presets, whose use case is a label of its own.
    const service = diagnose(
      input('otel-collector', {
        ml_gpu_seconds_total: stats(['use_case', 'model_name', 'gpu_type', 'exported_namespace']),
      }),
    );
    expect(service.findings.some((f) => f.text.includes('exported_namespace'))).toBe(false);
  });
});
