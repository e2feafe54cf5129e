/** One sample line of a text exposition. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the sample lines of Prometheus or OpenMetrics text, skipping comments. */
export function parseSamples(body: string): Sample[] {
  return body
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map(parseSampleLine);
}

/** Returns the value of the one sample matching `name` and every label in `labels`. */
export function findSample(
  body: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const matches = parseSamples(body).filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(
        ([key, value]) => sample.labels[key] === value,
      ),
  );
  if (matches.length > 1)
    throw new Error(
      `${matches.length} samples match ${name} ${JSON.stringify(labels)}`,
    );

  return matches[0]?.value;
}

/** Returns the samples named `name`. */
export function samplesNamed(body: string, name: string): Sample[] {
  return parseSamples(body).filter((sample) => sample.name === name);
}

function parseSampleLine(line: string): Sample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (nameMatch === null) throw new Error(`Invalid sample line: ${line}`);

  const name = nameMatch[0];
  let position = name.length;
  const labels: Record<string, string> = {};

  if (line[position] === "{") {
    position += 1;
    while (line[position] !== "}") {
      const labelMatch = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(
        line.slice(position),
      );
      if (labelMatch === null)
        throw new Error(`Invalid label at ${position} in: ${line}`);
      position += labelMatch[0].length;

      let value = "";
      while (line[position] !== '"') {
        if (position >= line.length)
          throw new Error(`Unterminated label value in: ${line}`);
        if (line[position] === "\\") {
          const escaped = line[position + 1];
          value += escaped === "n" ? "\n" : escaped;
          position += 2;
        } else {
          value += line[position];
          position += 1;
        }
      }
      labels[labelMatch[1] as string] = value;
      position += 1;
      if (line[position] === ",") position += 1;
    }
    position += 1;
  }

  return { name, labels, value: Number(line.slice(position).trim()) };
}
