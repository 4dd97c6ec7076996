// Tells a config in the reference implementation's format (`goodfire-ai/spd`) from a native one, as the
// engine does (server/src/paramlens/config/reference/detect.py); a unit test keeps the two key lists equal.
import { isScalar, type YAMLMap } from 'yaml';

/** Top-level keys that only the reference format has. A native file always names `method`. */
export const REFERENCE_MARKERS: ReadonlySet<string> = new Set([
  'module_info',
  'loss_metric_configs',
  'ci_config',
  'ci_fn_type',
  'gate_type',
  'target_module_patterns',
  'pretrained_model_class',
  'task_config',
  'lr_schedule',
  'eval_metric_configs',
  'output_loss_type',
]);

export function isReferenceFormat(root: YAMLMap.Parsed): boolean {
  const keys = root.items.flatMap(({ key }) => (isScalar(key) ? [String(key.value)] : []));
  return !keys.includes('method') && keys.some((key) => REFERENCE_MARKERS.has(key));
}
