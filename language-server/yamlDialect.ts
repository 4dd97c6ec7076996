// Parse options that make `yaml` read scalars as the engine does. The Python loader uses PyYAML's
// SafeLoader, which reads YAML 1.1 (`yes` is true, `10_000` is 10000, `<<` merges), plus floats such as
// `1e-3` (server/src/paramlens/config/yaml_source.py). Reading them otherwise would flag valid configs.
import type { DocumentOptions, ParseOptions, ScalarTag, SchemaOptions, Tags } from 'yaml';

const BOOL_TAG = 'tag:yaml.org,2002:bool';
// `yaml`'s YAML 1.1 schema also reads `y` and `n` as booleans; PyYAML does not.
const PYYAML_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const PYYAML_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;

function withPyYamlBooleans(tags: Tags): Tags {
  return tags.map((tag) => (typeof tag !== 'string' && isBoolTag(tag) ? withPyYamlTest(tag) : tag));
}

function isBoolTag(tag: Exclude<Tags[number], string>): tag is ScalarTag {
  return tag.tag === BOOL_TAG && tag.test !== undefined;
}

function withPyYamlTest(tag: ScalarTag): ScalarTag {
  if (tag.test?.test('yes')) return { ...tag, test: PYYAML_TRUE };
  if (tag.test?.test('no')) return { ...tag, test: PYYAML_FALSE };
  return tag;
}

export const ENGINE_YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  customTags: withPyYamlBooleans,
};
