import { z } from 'zod';

/**
 * Cucumber JSON (the `json` formatter of cucumber-js, and Cucumber-JVM's and Ruby's layout) is produced by
 * the image's own cucumber, or by whatever the command is: it is kept as it came, but the fields baleen reads
 * are checked for their type, and a field of the wrong type is dropped rather than allowed to break a report.
 * Unknown fields pass through (the HTML report shows some of them). This is the only declaration of the shape.
 */
const text = z.string().optional().catch(undefined);
const count = z.number().optional().catch(undefined);

export const CucumberStepSchema = z.looseObject({
  keyword: text,
  name: text,
  line: count,
  /** cucumber-js marks its Before/After hooks as hidden steps. */
  hidden: z.boolean().optional().catch(undefined),
  result: z.looseObject({ status: text, duration: count, error_message: text }).optional().catch(undefined),
});
export type CucumberStep = z.infer<typeof CucumberStepSchema>;

const steps = z.array(CucumberStepSchema).optional();
export const CucumberElementSchema = z.looseObject({
  id: text,
  keyword: text,
  name: text,
  type: text,
  line: count,
  steps,
  /** Cucumber-JVM's and Ruby's hooks, outside the steps. */
  before: steps.catch(undefined),
  after: steps.catch(undefined),
});
export type CucumberElement = z.infer<typeof CucumberElementSchema>;

export const CucumberFeatureSchema = z.looseObject({
  id: text,
  keyword: text,
  name: text,
  uri: text,
  line: count,
  elements: z.array(CucumberElementSchema).optional(),
});
export type CucumberFeature = z.infer<typeof CucumberFeatureSchema>;

export const CucumberJsonSchema = z.array(CucumberFeatureSchema);
export type CucumberJson = z.infer<typeof CucumberJsonSchema>;
