// NonceBook: the nonce bookkeeping of folio-faultload (tests/faults/load/nonce_book.h).
#include <doctest/doctest.h>

#include "nonce_book.h"

using folio::faults::NonceBook;

TEST_CASE("nonces are handed out in order within the window") {
    NonceBook b(5, 3);
    CHECK(b.Allocate(100) == 5);
    CHECK(b.Allocate(101) == 6);
    CHECK(b.Allocate(102) == 7);
    CHECK_FALSE(b.CanAllocate());  // 3 unsettled: the window is full
    CHECK(b.Render() == "next=8 floor=5 open=[5:100 6:101 7:102] reuse=[]");
    CHECK(b.Committed(101, 6).empty());  // a later one first: the base stays
    CHECK_FALSE(b.CanAllocate());
    CHECK(b.Committed(100, 5).empty());
    CHECK(b.CanAllocate());
    CHECK(b.Render() == "next=8 floor=7 open=[7:102] reuse=[]");
}

TEST_CASE("a refused nonce goes to the next transaction, and the first to commit wins") {
    NonceBook b(0, 48);
    b.Allocate(1);  // 0
    b.Allocate(2);  // 1
    b.Allocate(3);  // 2
    b.Refused(2, 1);
    CHECK(b.Render() == "next=3 floor=0 open=[0:1 1:2' 2:3] reuse=[1]");
    CHECK(b.Allocate(4) == 1);  // the refill, not a fresh nonce
    CHECK(b.Render() == "next=3 floor=0 open=[0:1 1:2',4 2:3] reuse=[]");
    CHECK(b.Allocate(5) == 3);
    // The refused one committed after all (another node held it): the refill can never commit.
    CHECK(b.Committed(2, 1) == std::vector<uint64_t>{4});
    CHECK(b.Render() == "next=4 floor=0 open=[0:1 2:3 3:5] reuse=[]");
}

TEST_CASE("a refill refused too frees the nonce again; a later refusal of a live holder does not") {
    NonceBook b(10, 48);
    b.Allocate(1);  // 10
    b.Refused(1, 10);
    CHECK(b.Allocate(2) == 10);
    b.Refused(2, 10);
    CHECK(b.Render() == "next=11 floor=10 open=[10:1',2'] reuse=[10]");
    CHECK(b.Allocate(3) == 10);
    CHECK(b.Committed(3, 10) == std::vector<uint64_t>{1, 2});
    CHECK(b.Render() == "next=11 floor=11 open=[] reuse=[]");
    // Refusing an unknown or already spent nonce changes nothing.
    b.Refused(3, 10);
    b.Refused(9, 42);
    CHECK(b.Render() == "next=11 floor=11 open=[] reuse=[]");
}

TEST_CASE("a nonce spent by someone else: the loser gives it up, it is never reused") {
    NonceBook b(0, 48);
    b.Allocate(1);  // 0
    b.Allocate(2);  // 1
    b.Refused(1, 0);
    CHECK(b.Allocate(3) == 0);  // the refill
    b.Lost(1, 0);               // a node spent 0 without holding 1: 3 (ours) may be the spender
    CHECK(b.Render() == "next=2 floor=0 open=[0:3 1:2] reuse=[]");
    b.Lost(3, 0);
    CHECK(b.Render() == "next=2 floor=1 open=[1:2] reuse=[]");
    CHECK(b.Allocate(4) == 2);
    b.Lost(9, 7);  // beyond what we handed out: fresh nonces continue after it
    CHECK(b.Allocate(5) == 8);
}

TEST_CASE("observing the chain's next nonce settles everything below it and moves fresh nonces on") {
    NonceBook b(0, 48);
    b.Allocate(1);  // 0
    b.Allocate(2);  // 1
    b.Allocate(3);  // 2
    b.Refused(2, 1);
    CHECK(b.Observe(2) == std::vector<uint64_t>{1, 2});  // the caller asks tx_get which of them committed
    CHECK(b.Render() == "next=3 floor=2 open=[2:3] reuse=[]");
    // Someone else used the account: fresh nonces continue after theirs.
    CHECK(b.Observe(9).size() == 1);
    CHECK(b.Allocate(4) == 9);
    CHECK(b.Render() == "next=10 floor=9 open=[9:4] reuse=[]");
}
