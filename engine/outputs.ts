import * as pulumi from "@pulumi/pulumi";

interface OutputInternals<T> {
  promise(withUnknowns?: boolean): Promise<T>;
  isSecret: Promise<boolean>;
}

/** The value of an Output (or plain value), for tests and tools. */
export async function unwrap<T>(value: pulumi.Input<T>): Promise<T> {
  if (pulumi.Output.isInstance(value)) return (value as unknown as OutputInternals<T>).promise();
  return await value;
}

/** Whether an Output is a secret. */
export async function isSecretOutput(value: pulumi.Output<unknown>): Promise<boolean> {
  return (value as unknown as OutputInternals<unknown>).isSecret;
}
