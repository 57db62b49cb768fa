from sqlalchemy import create_engine, Column, Integer, String, ForeignKey, select, func, text
from sqlalchemy.orm import declarative_base, relationship, Session
Base = declarative_base()
class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(30), nullable=False)
    posts = relationship("Post", back_populates="user")
class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    title = Column(String)
    user_id = Column(ForeignKey("users.id"))
    user = relationship(User, back_populates="posts")
e = create_engine("sqlite://", future=True)
Base.metadata.create_all(e)
with Session(e) as s:
    s.add_all([User(name="ann", posts=[Post(title="a"), Post(title="b")]), User(name="bob")])
    s.commit()
    q = select(User.name, func.count(Post.id)).outerjoin(Post).group_by(User.name).order_by(User.name)
    print(s.execute(q).all())
    print(str(q).replace("\n", " "))
    print([p.title for p in s.scalars(select(User).where(User.name == "ann")).one().posts])
    print(s.execute(text("select sqlite_version() > '3'")).scalar())
