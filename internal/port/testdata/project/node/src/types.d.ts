export declare function refund(wxpay: any): Promise<void>;
// wxpay.v3.refund.domestic.refunds.post({}) in a declaration file is not code.
