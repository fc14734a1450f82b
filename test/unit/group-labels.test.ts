// What a report groups by when --by is not given: the config's by, else the use-case and model
// labels under the names the config or preset gives them.
import { describe, expect, it } from 'vitest';
import { type CommandContext, groupLabels } from '../../src/commands/options.js';

function context(labels: { useCase: string; modelName: string }, by?: string[]): CommandContext {
  return {
    config: by === undefined ? {} : { by },
    labels: { ...labels, gpuType: 'gpu_type' },
  } as unknown as CommandContext;
}

describe('groupLabels', () => {
  it('follows renamed use-case and model labels', () => {
    expect(groupLabels({}, context({ useCase: 'app', modelName: 'model' }))).toEqual([
      'app',
      'model',
    ]);
  });

  it('lists a label once when both names point at it', () => {
    expect(groupLabels({}, context({ useCase: 'service', modelName: 'service' }))).toEqual([
      'service',
    ]);
  });

  it('takes --by over the config, and the config over the default', () => {
    const configured = context({ useCase: 'use_case', modelName: 'model_name' }, ['team']);
    expect(groupLabels({}, configured)).toEqual(['team']);
    expect(groupLabels({ by: 'gpu_type,team' }, configured)).toEqual(['gpu_type', 'team']);
  });
});
