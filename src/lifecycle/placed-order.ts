/** What SCM says about an order it placed: enough to find the certificate and collect it. */
export interface PlacedOrder {
  /** sslId (SSL) or orderNumber (client). */
  scmId: number;
  renewId?: string;
  backendCertId?: string;
}
