import { describe, expect, it } from "vitest";
import { customerOf, processingErrorOf } from "../../src/domain/order-fields.js";

describe("grouped order fields", () => {
  it("shows a customer only when some of it is known", () => {
    expect(customerOf({ customerEmail: null, customerFirstName: null, customerLastName: null })).toBeNull();
    expect(customerOf({ customerEmail: null, customerFirstName: "Ana", customerLastName: null })).toEqual({
      email: null,
      firstName: "Ana",
      lastName: null,
    });
  });

  it("shows a processing error only when it has a message", () => {
    const none = {
      processingErrorCode: "7",
      processingErrorMessage: null,
      processingErrorType: null,
      processingErrorRetriable: false,
      processingErrorSkus: ["DSKU-1"],
    };
    expect(processingErrorOf(none)).toBeNull();
    expect(processingErrorOf({ ...none, processingErrorMessage: "Out of stock", processingErrorRetriable: true })).toEqual({
      code: "7",
      message: "Out of stock",
      type: null,
      retriable: true,
      lineItemSkus: ["DSKU-1"],
    });
  });
});
