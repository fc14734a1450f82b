// Doctor's advice for the cluster presets (dcgm, dcgm-util, kube-state-metrics, kubernetes-gpu):
// what a missing namespace, node or modelName label costs, how to get it, and what to read
// when profiling metrics are missing. Pure.
import { type Metric, measureOf } from '../core/measures.js';
import {
  DCGM_ENGINE_ACTIVE,
  DCGM_GPU_UTIL,
  DCGM_LABELS,
  EXPORTED_NAMESPACE,
  KSM_NODE_LABEL,
} from '../presets-cluster.js';
import type { Naming, NamingFit } from './match.js';

/** The consequence of a missing cluster label and its fix, or undefined for other labels. */
export function clusterLabelAdvice(
  label: string,
  naming: Naming,
): { consequence: string; fix: string } | undefined {
  if (!naming.neededLabels) return undefined;
  if (label === DCGM_LABELS.namespace) {
    return {
      consequence:
        'no usage can be attributed (the use case is the namespace): all of it is unattributed',
      fix: "turn on dcgm-exporter's Kubernetes pod mapping (DCGM_EXPORTER_KUBERNETES=true, the Helm chart's default) so GPU series carry pod, namespace and container; or map other labels to use cases with attribution.rules in ml-cost.config.json",
    };
  }
  if (label === KSM_NODE_LABEL) {
    return {
      consequence: 'the GPU type of the requests cannot be found by node: all of it unpriced',
      fix: 'give the series a GPU type with gpu_types.rules in ml-cost.config.json (a rule can match any label), or keep the node label in the scrape (relabel_configs)',
    };
  }
  if (label === DCGM_LABELS.modelName) {
    return {
      consequence: 'GPU time cannot be priced (all of it unpriced)',
      fix: 'keep the modelName label dcgm-exporter writes (check relabel_configs that drop labels), or set labels.gpu_type in ml-cost.config.json to the label holding the GPU model',
    };
  }
  return undefined;
}

/**
 * With DCGM's profiling metrics missing but its utilisation there, busy GPU time can be read
 * from the latter: a fix for a naming that reads the former.
 */
export function busyFallback(
  metric: Metric,
  current: Naming,
  allNames: readonly string[],
): string | undefined {
  if (metric !== 'gpu_busy_seconds') return undefined;
  if (!(current.metrics[metric] ?? []).includes(DCGM_ENGINE_ACTIVE)) return undefined;
  if (!allNames.includes(DCGM_GPU_UTIL)) return undefined;
  const alone = current.metrics.gpu_seconds?.includes(DCGM_ENGINE_ACTIVE) === true;
  const instead = alone
    ? 'use --metrics-preset dcgm-util'
    : `set metrics.gpu_busy_seconds in ml-cost.config.json to { "name": "${DCGM_GPU_UTIL}", "kind": "gauge", "scale": 0.01 }`;
  return `no profiling metrics here, but ${DCGM_GPU_UTIL} exists: ${instead}; it says a GPU was occupied (a kernel ran), not how busy it was, so busy becomes an upper bound (and it is not reported for MIG slices)`;
}

/**
 * For a measure the current naming finds nothing of, when the closest preset is a cluster's
 * and does not read that measure at all (tokens, inferences): switching is the fix.
 */
export function clusterPresetFix(metric: Metric, closest: NamingFit | null): string | undefined {
  if (!closest?.naming.neededLabels) return undefined;
  if ((closest.naming.metrics[metric] ?? []).length > 0) return undefined;
  const found = closest.measures.flatMap((m) => m.found.map((f) => f.name));
  return `use --metrics-preset ${closest.naming.name}: the stored series are a cluster's GPU time (${[...new Set(found)].join(', ')}), and it reads no ${measureOf(metric).words}`;
}

/**
 * A cluster preset's series that carry exported_namespace were scraped without honouring the
 * exporter's labels: namespace is then the exporter's own where the exporter wrote none.
 */
export function checkScrapeLabels(
  measures: readonly {
    readonly metric: Metric;
    readonly names: readonly string[];
    readonly labels: readonly string[];
  }[],
  current: Naming,
  add: (severity: 'warning', subject: string, text: string, fix: string) => void,
): void {
  if (!current.neededLabels) return;
  for (const measure of measures) {
    if (!measure.labels.includes(EXPORTED_NAMESPACE)) continue;
    add(
      'warning',
      `${measureOf(measure.metric).words} (${measure.names.join('|')})`,
      `series carry ${EXPORTED_NAMESPACE}: the scrape kept its own namespace label (the exporter's namespace) and renamed the workload's; ml-cost takes the use case from ${EXPORTED_NAMESPACE} where it is set, but series without one (a GPU no pod holds) fall under the exporter's namespace instead of unattributed`,
      "scrape with honorLabels: true (dcgm-exporter's Helm value serviceMonitor.honorLabels, the ServiceMonitor or VMServiceScrape endpoint), or give those series a use case with attribution.rules in ml-cost.config.json",
    );
  }
}
