// The values FOCUS allows that ml-cost writes: a leaf module, so the config schema can check
// them, and --help list the versions, without loading the export layouts.

/** The FOCUS versions an export can follow; the newest is the default. */
export const FOCUS_VERSIONS = ['1.2', '1.3'] as const;
export type FocusVersion = (typeof FOCUS_VERSIONS)[number];

/** FOCUS allowed value for GPU inference (ServiceCategory list, FOCUS 1.0+). */
export const FOCUS_SERVICE_CATEGORY = 'AI and Machine Learning';
/** The ServiceSubcategory values FOCUS 1.2 and 1.3 allow under "AI and Machine Learning". */
export const FOCUS_AI_SUBCATEGORIES = [
  'AI Platforms',
  'Bots',
  'Generative AI',
  'Machine Learning',
  'Natural Language Processing',
  'Other (AI and Machine Learning)',
] as const;
/** Serving models on GPUs: the subcategory providers give model serving. */
export const DEFAULT_SERVICE_SUBCATEGORY = 'AI Platforms';
/** A compound unit in the FOCUS UnitFormat: "<singular base unit>-<plural time unit>". */
export const FOCUS_PRICING_UNIT = 'GPU-Hours';
/** What the GPU-hour SKU meters (SkuMeter). */
export const FOCUS_SKU_METER = 'GPU Usage';
