// What "Burr: New Application" writes, and what README's "Use it in your
// project" shows (a test keeps the two the same): a small chatbot that runs
// offline, a launch configuration, and the tsconfig a new project needs.

/** A working app file: imports only burr-ts, runs two turns, tracks them locally. */
export function appTemplate(project: string, file: string): string {
  return `// A burr-ts application: actions that declare the state they read and write,
// transitions between them, and a loop that runs one turn per prompt.
// Run it with \`npx tsx ${file}\`; debug it with F5 or the Debug code lens.
import { action, ApplicationBuilder, when } from "burr-ts";

const humanInput = action(
  { reads: [], writes: ["prompt", "chatHistory"], inputs: ["prompt"] },
  (state, { prompt }: { prompt: string }) =>
    state.update({ prompt }).append({ chatHistory: { role: "user", content: prompt } }),
);

const safetyCheck = action({ reads: ["prompt"], writes: ["safe"] }, (state) =>
  state.update({ safe: !String(state.get("prompt")).includes("unsafe") }),
);

const respond = action({ reads: ["prompt"], writes: ["response", "chatHistory"] }, (state) => {
  const response = \`You said: \${String(state.get("prompt"))}\`; // call your model here
  return [{ response }, state.update({ response }).append({ chatHistory: { role: "assistant", content: response } })];
});

const refuse = action({ reads: [], writes: ["response", "chatHistory"] }, (state) => {
  const response = "I can't help with that.";
  return [{ response }, state.update({ response }).append({ chatHistory: { role: "assistant", content: response } })];
});

export const app = new ApplicationBuilder()
  .withActions({ humanInput, safetyCheck, respond, refuse })
  .withTransitions(
    ["humanInput", "safetyCheck"],
    ["safetyCheck", "refuse", when({ safe: false })],
    ["safetyCheck", "respond"],
    [["respond", "refuse"], "humanInput"],
  )
  .withState({ chatHistory: [] })
  .withEntrypoint("humanInput")
  .withTracker("local", { project: ${JSON.stringify(project)} }) // runs appear in the Burr view's Tracked Runs
  .build();

for (const prompt of ["Hello, Burr", "Something unsafe"]) {
  const { state } = await app.run({ haltAfter: ["respond", "refuse"], inputs: { prompt } });
  console.log(\`\${prompt} -> \${String(state.get("response"))}\`);
}
`;
}

/** The tsconfig a new project needs to type-check burr-ts apps (tsx runs them without one). */
export const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "skipLibCheck": true,
    "noEmit": true,
    "types": ["node"]
  },
  "include": ["src"]
}
`;

/** The launch configuration for the new app (program relative to the workspace folder, with forward slashes). */
export function launchConfiguration(programRelative: string): Record<string, unknown> {
  return {
    type: "burr",
    request: "launch",
    name: `Debug ${programRelative}`,
    program: `\${workspaceFolder}/${programRelative}`,
    cwd: "${workspaceFolder}",
    stopOnEntry: true,
  };
}
