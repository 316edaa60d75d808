#include <gtest/gtest.h>

#include "dataset.h"
#include "errors.h"

using namespace firstnet;

TEST(Dataset, AllocatesCapacityOnce) {
  Dataset d(3);
  EXPECT_EQ(d.capacity(), 3);
  EXPECT_EQ(d.count(), 0);
  const std::uint8_t* images = d.images();
  d.images()[3 * 784 - 1] = 255;  // last byte is writable
  d.labels()[2] = 9;
  d.setCount(3);
  EXPECT_EQ(d.count(), 3);
  EXPECT_EQ(d.images(), images);  // no reallocation
  d.setCount(0);
  EXPECT_EQ(d.count(), 0);
}

TEST(Dataset, SetCountChecksOnlyTheValidRows) {
  Dataset d(4);
  d.labels()[3] = 200;  // outside the first 3 rows: fine
  EXPECT_NO_THROW(d.setCount(3));
  EXPECT_THROW(d.setCount(4), InvalidArgument);
  EXPECT_EQ(d.count(), 3);  // unchanged after a refused call
}
