//! Cache, rate limiter and pub/sub: the in-process adapters always, the Redis ones with
//! `TEST_REDIS_URL` — including two handles standing in for two instances.

use std::time::Duration;

use futures::StreamExt as _;
use platform::{Cache, PubSub, RateLimit, RateLimiter, RedisHandle, testing::test_redis_url};

/// One namespace for this test binary: handles opened by one test stand in for instances of
/// one deployment and must share it; keys are unique per test anyway.
static PREFIX: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("test-{}", uuid::Uuid::now_v7().simple()));

fn redis() -> Option<RedisHandle> {
    test_redis_url()
        .map(|url| RedisHandle::open(&url, Duration::from_secs(2), &PREFIX).expect("valid url"))
}

fn unique(prefix: &str) -> String {
    format!("test:{prefix}:{}", uuid::Uuid::now_v7())
}

fn caches() -> Vec<Cache> {
    let mut all = vec![Cache::memory()];
    all.extend(redis().map(Cache::redis));
    all
}

#[tokio::test]
async fn cache_stores_expires_and_deletes() {
    for cache in caches() {
        let key = unique("cache");
        assert_eq!(cache.get(&key).await.expect("get"), None);
        cache.set(&key, "v1", Duration::from_secs(60)).await.expect("set");
        assert_eq!(cache.get(&key).await.expect("get").as_deref(), Some("v1"), "{cache:?}");
        cache.delete(&key).await.expect("delete");
        assert_eq!(cache.get(&key).await.expect("get"), None, "{cache:?}");

        cache.set(&key, "short", Duration::from_millis(30)).await.expect("set");
        tokio::time::sleep(Duration::from_millis(80)).await;
        assert_eq!(cache.get(&key).await.expect("get"), None, "{cache:?} expiry");
    }
}

#[tokio::test]
async fn rate_limiter_allows_the_limit_then_refuses_until_the_window_ends() {
    let mut limiters = vec![RateLimiter::memory()];
    limiters.extend(redis().map(RateLimiter::redis));
    let rule = RateLimit { limit: 3, window: Duration::from_millis(400) };
    for limiter in limiters {
        let key = unique("rl");
        for remaining in [2, 1, 0] {
            let decision = limiter.hit(&key, rule).await.expect("hit");
            assert!(decision.allowed, "{limiter:?}");
            assert_eq!(decision.remaining, remaining);
        }
        let refused = limiter.hit(&key, rule).await.expect("hit");
        assert!(!refused.allowed, "{limiter:?}");
        assert!(refused.retry_after <= rule.window && refused.retry_after > Duration::ZERO);
        tokio::time::sleep(rule.window + Duration::from_millis(50)).await;
        assert!(limiter.hit(&key, rule).await.expect("hit").allowed, "{limiter:?} new window");
    }
}

#[tokio::test]
async fn two_instances_share_rate_limit_counters_through_redis() {
    let (Some(a), Some(b)) = (redis(), redis()) else { return };
    let (a, b) = (RateLimiter::redis(a), RateLimiter::redis(b));
    let rule = RateLimit { limit: 2, window: Duration::from_secs(30) };
    let key = unique("shared");
    assert!(a.hit(&key, rule).await.expect("hit").allowed);
    assert!(b.hit(&key, rule).await.expect("hit").allowed);
    assert!(!a.hit(&key, rule).await.expect("hit").allowed);
    assert!(!b.hit(&key, rule).await.expect("hit").allowed);
}

async fn next(stream: &mut futures::stream::BoxStream<'static, String>) -> Option<String> {
    tokio::time::timeout(Duration::from_secs(3), stream.next()).await.ok().flatten()
}

#[tokio::test]
async fn pubsub_delivers_to_every_subscriber_of_the_channel_only() {
    let mut buses = vec![(PubSub::memory(), PubSub::memory())];
    // Two Redis handles: a publisher on one instance, subscribers on another.
    if let (Some(a), Some(b)) = (redis(), redis()) {
        buses.push((PubSub::redis(a), PubSub::redis(b)));
    }
    for (publisher, subscriber_side) in buses {
        let (publisher, subscriber_side) = match (&publisher, &subscriber_side) {
            // In process there is one bus per instance: use the same one on both sides.
            (PubSub::Memory(_), _) => (publisher.clone(), publisher.clone()),
            _ => (publisher, subscriber_side),
        };
        let channel = unique("chan");
        let other = unique("other");
        let mut first = subscriber_side.subscribe(&channel).await.expect("subscribe");
        let mut second = subscriber_side.subscribe(&channel).await.expect("subscribe");
        let mut elsewhere = subscriber_side.subscribe(&other).await.expect("subscribe");

        publisher.publish(&channel, "hello").await.expect("publish");
        assert_eq!(next(&mut first).await.as_deref(), Some("hello"), "{publisher:?}");
        assert_eq!(next(&mut second).await.as_deref(), Some("hello"), "{publisher:?}");
        let nothing = tokio::time::timeout(Duration::from_millis(200), elsewhere.next()).await;
        assert!(nothing.is_err(), "{publisher:?}: another channel received a message");
    }
}

/// How many Redis connections subscribe to `channel` (of the pub/sub port's namespace).
async fn redis_subscribers(handle: &RedisHandle, channel: &str) -> i64 {
    let mut conn = handle.connection().await.expect("redis");
    let (_, count): (String, i64) = redis::cmd("PUBSUB")
        .arg("NUMSUB")
        .arg(handle.key(&format!("ps:{channel}")))
        .query_async::<Vec<(String, i64)>>(&mut conn)
        .await
        .expect("PUBSUB NUMSUB")
        .pop()
        .expect("one channel");
    count
}

#[tokio::test]
async fn one_redis_subscription_serves_every_local_subscriber_of_a_channel() {
    let Some(handle) = redis() else { return };
    let bus = PubSub::redis(handle.clone());
    let channel = unique("shared");
    let mut first = bus.subscribe(&channel).await.expect("subscribe");
    let mut second = bus.subscribe(&channel).await.expect("subscribe");
    assert_eq!(redis_subscribers(&handle, &channel).await, 1);

    PubSub::redis(handle.clone()).publish(&channel, "one").await.expect("publish");
    assert_eq!(next(&mut first).await.as_deref(), Some("one"));
    assert_eq!(next(&mut second).await.as_deref(), Some("one"));

    // The last local subscriber gone, the Redis subscription goes too; a new one starts afresh.
    drop(first);
    drop(second);
    let mut left = -1;
    for _ in 0..50 {
        left = redis_subscribers(&handle, &channel).await;
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(left, 0, "the Redis subscription outlived its subscribers");
    let mut third = bus.subscribe(&channel).await.expect("subscribe again");
    bus.publish(&channel, "two").await.expect("publish");
    assert_eq!(next(&mut third).await.as_deref(), Some("two"));
}
