/** Module resolve hook (registered by register.mjs): `electron` → the bundled fake. */
let fakeUrl;

export async function initialize(data) {
  fakeUrl = data.fakeUrl;
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'electron') return { url: fakeUrl, format: 'commonjs', shortCircuit: true };
  return nextResolve(specifier, context);
}
