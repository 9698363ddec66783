// Package redisstore shares, through Redis, what a WeChat Pay merchant's
// service keeps per process when it runs on one instance, so that it can
// run on several behind a load balancer:
//
//   - ReplayGuard is a notify.ReplayStore: a callback's nonce is taken
//     once across all instances, in one round trip (SET NX with an
//     expiry). When Redis cannot answer, the callback is refused with a
//     503 and WeChat Pay sends it again later: it is never taken
//     unchecked.
//   - CertificateCache is a certificates.Cache: one instance downloads the
//     platform certificate list, under a lock in Redis, and the others
//     read the list it stored. Only the list as WeChat Pay sends it goes
//     to Redis, with the certificates encrypted under the APIv3 key; each
//     instance decrypts and checks it, and the key never leaves the
//     process.
//   - V2Dedup runs the handling of an APIv2 callback once across all
//     instances, by what it is about: the transaction_id of a payment
//     result, the out_refund_no of a refund result. APIv2 callbacks carry
//     no nonce to guard.
//
// It is a module of its own, so that the wechatpay module depends on no
// Redis client. Every value takes a go-redis client (a *redis.Client, or
// a cluster or ring client), which it does not close.
package redisstore
